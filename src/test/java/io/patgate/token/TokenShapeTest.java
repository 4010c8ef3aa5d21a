package io.patgate.token;

import static io.patgate.support.Api.as;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.patgate.identity.TokenSigner;
import io.patgate.support.Api;
import io.patgate.support.Forge;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.Test;

/**
 * PATs have the fixed shape documented in docs/secret-scanning.md, and the gitleaks rule in docs/gitleaks.toml
 * (read from the file, not copied here) finds every PAT and nothing else.
 */
@QuarkusTest
class TokenShapeTest {

    static final String PREFIX = TokenSigner.PAT_PREFIX;

    static final Path GITLEAKS = Path.of("docs/gitleaks.toml");
    static final Pattern RULE = Pattern.compile(tomlValue("regex = '''", "'''"));

    private static final Base64.Decoder B64URL = Base64.getUrlDecoder();

    private static String tomlValue(String start, String end) {
        try {
            for (String line : Files.readAllLines(GITLEAKS)) {
                if (line.startsWith(start) && line.endsWith(end)) {
                    return line.substring(start.length(), line.length() - end.length());
                }
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        throw new IllegalStateException("no line " + start + "... in " + GITLEAKS);
    }

    /** The PAT the rule reports in {@code text} (its secret group), or null when it reports none. */
    private static String found(String text) {
        Matcher m = RULE.matcher(text);
        return m.find() ? m.group(1) : null;
    }

    private static String kid(String jws) throws Exception {
        JsonWebSignature parsed = new JsonWebSignature();
        parsed.setCompactSerialization(jws);
        return parsed.getKeyIdHeaderValue();
    }

    private static String decoded(String segment) {
        return new String(B64URL.decode(segment), StandardCharsets.UTF_8);
    }

    @Test
    void thePrefixIsTheFixedHeaderStartAndTheRulesKeyword() {
        assertEquals(
                PREFIX,
                Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(
                                "{\"typ\":\"pat+jwt\",\"alg\":\"ES256\",\"kid\"".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("eyJ0eXAiOiJwYXQrand0IiwiYWxnIjoiRVMyNTYiLCJraWQi", PREFIX); // as documented
        assertEquals(48, PREFIX.length());
        assertEquals("[\"" + PREFIX + "\"]", tomlValue("keywords = ", "]") + "]");
        assertEquals("patgate-personal-access-token", tomlValue("id = \"", "\""));
    }

    @Test
    void theGitHubPatternIsTheGitleaksRule() throws Exception {
        String doc = Files.readString(Path.of("docs/secret-scanning.md"));
        Matcher format = Pattern.compile("\\| Secret format \\| `([^`]+)` \\|").matcher(doc);
        assertTrue(format.find(), "docs/secret-scanning.md gives the secret format");
        assertEquals("(?:^|[^A-Za-z0-9_-])(" + format.group(1) + ")(?:[^A-Za-z0-9_-]|$)", RULE.pattern());
    }

    @Test
    void everyPatHasTheDocumentedShapeAndStillVerifies() throws Exception {
        Api.TestUser alice = Api.aUser("deploy");
        String session = alice.session();
        List<Api.Issued> issued = new ArrayList<>();
        issued.add(Api.aToken(session, Map.of()));
        issued.add(Api.aToken(session, Map.of("expiresInDays", 1)));
        issued.add(Api.aToken(session, Map.of("expiresInDays", 365)));
        issued.add(Api.aToken(session, Map.of("scopes", List.of("deploy"))));
        issued.add(Api.aToken(session, Map.of("name", "déploiement 🚀")));
        Api.Issued regenerated = issued.get(0);
        String fresh = as(session)
                .contentType(ContentType.JSON)
                .body(Map.of("expiresInDays", 7))
                .post("/api/v1/tokens/" + regenerated.id() + "/regenerate")
                .then()
                .statusCode(200)
                .extract()
                .path("token");
        issued.set(0, new Api.Issued(regenerated.id(), fresh));

        JsonWebKeySet jwks = new JsonWebKeySet(given().get("/.well-known/jwks.json")
                .then()
                .statusCode(200)
                .extract()
                .asString());
        for (Api.Issued token : issued) {
            String pat = token.value();
            assertTrue(pat.startsWith(PREFIX), pat);
            assertTrue(RULE.matcher(pat).matches(), pat);
            assertEquals(pat, found(pat));
            assertEquals(pat, found("export TOKEN=" + pat));
            assertEquals(pat, found("export TOKEN=\"" + pat + "\"\n"));
            assertEquals(pat, found("{\"name\":\"ci\",\"token\":\"" + pat + "\"}"));
            assertEquals(pat, found("curl -H 'Authorization: Bearer " + pat + "' https://example.com/"));

            String[] parts = pat.split("\\.");
            assertEquals(3, parts.length);
            String kid = kid(pat);
            assertEquals("{\"typ\":\"pat+jwt\",\"alg\":\"ES256\",\"kid\":\"" + kid + "\"}", decoded(parts[0]));
            assertEquals(64, B64URL.decode(parts[2]).length);
            assertEquals(86, parts[2].length());

            // the same claims as ever, and nothing more
            JwtClaims claims = JwtClaims.parse(decoded(parts[1]));
            assertEquals(Set.of("iss", "sub", "upn", "jti", "iat", "exp", "nonce"), claims.getClaimNames());
            assertEquals(alice.id(), claims.getSubject());
            assertEquals(alice.username(), claims.getStringClaimValue("upn"));
            assertEquals(token.id(), claims.getJwtId());

            // verifiable with the published keys
            JsonWebSignature jws = new JsonWebSignature();
            jws.setCompactSerialization(pat);
            jws.setKey(jwks.findJsonWebKeys(kid, "EC", "sig", AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256)
                    .get(0)
                    .getKey());
            assertTrue(jws.verifySignature(), pat);

            as(pat).get("/api/v1/me")
                    .then()
                    .statusCode(200)
                    .body("authMethod", equalTo("pat"))
                    .body("tokenId", equalTo(token.id()))
                    .body("username", equalTo(alice.username()));
            as(pat).get("/auth/verify").then().statusCode(200).header("X-Auth-Token-Id", token.id());
        }
        as(regenerated.value()).get("/auth/verify").then().statusCode(401); // replaced at once
    }

    @Test
    void noOtherJwtMatches() throws Exception {
        Api.TestUser bob = Api.aUser();
        String session = bob.session();
        assertEquals(null, found(session), session);
        assertEquals(null, found("export TOKEN=" + session));
        String adminSession = Api.adminSession();
        assertEquals(null, found(adminSession));

        String pat = Api.aToken(session, Map.of()).value();
        String kid = kid(pat);
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        var key = g.generateKeyPair().getPrivate();
        String es256 = AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256;
        for (String other : List.of(
                Forge.foreignKey(bob.id(), kid, "pat+jwt"), // {"alg","kid","typ"}: the same fields, another order
                Forge.foreignKey(bob.id(), kid, "session+jwt"),
                Forge.foreignKey(bob.id(), kid, "JWT"),
                Forge.foreignKey(bob.id(), kid, null),
                typFirst("JWT", es256, kid, key), // typ first, but not ours
                typFirst("pat+jwt", "ES384", kid, key), // our typ, another algorithm
                typFirst("pat+jwt", "ES256", null, key))) { // no kid
            assertEquals(null, found(other), other);
            assertEquals(null, found("{\"token\":\"" + other + "\"}"), other);
        }

        // a PAT is only found whole, never inside a longer string
        String[] parts = pat.split("\\.");
        for (String longer : List.of(
                "x" + pat,
                "-" + pat,
                "_" + pat,
                pat + "A",
                pat + "-",
                pat + "_",
                pat.substring(0, pat.length() - 1),
                parts[0] + "." + parts[1] + "." + parts[2] + parts[2],
                parts[0] + "." + parts[1] + "." + parts[2].substring(0, 85)
                        + "B")) { // (no 64-byte signature ends in B)
            assertEquals(null, found(longer), longer);
            assertFalse(RULE.matcher(longer).matches(), longer);
        }
    }

    /** A JWS whose header is {@code {"typ":typ,"alg":alg,"kid":kid}} in that order (alg is only the header value). */
    private static String typFirst(String typ, String alg, String kid, java.security.Key key) throws Exception {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setHeader("typ", typ);
        jws.setAlgorithmHeaderValue(alg);
        if (kid != null) {
            jws.setKeyIdHeaderValue(kid);
        }
        jws.setPayload(Forge.claims(UUID.randomUUID().toString(), 3600).toJson());
        if (!AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256.equals(alg)) {
            // only the header matters here: sign with ES256 and put the other alg in the header afterwards
            jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
            jws.setKey(key);
            String[] parts = jws.getCompactSerialization().split("\\.");
            String header = decoded(parts[0]).replace("\"ES256\"", "\"" + alg + "\"");
            return Base64.getUrlEncoder().withoutPadding().encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                    + parts[1] + "." + parts[2];
        }
        jws.setKey(key);
        return jws.getCompactSerialization();
    }
}
