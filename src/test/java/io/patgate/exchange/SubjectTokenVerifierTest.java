package io.patgate.exchange;

import static io.patgate.exchange.Tokens.claims;
import static io.patgate.exchange.Tokens.trust;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Subject tokens judged as the exchange judges them, against a real OpenID provider (NAV's mock-oauth2-server: its
 * discovery document, its JWKS, tokens it signs with RS256 and the claims a test chooses) and against keys made here
 * and given inline with a trust (ES256, EdDSA). Every refusal is an {@code invalid_grant} with its own outcome label;
 * the descriptions of those that would tell an attacker about the trust configuration are one and the same.
 * Plain JUnit: no Quarkus, a few seconds.
 */
class SubjectTokenVerifierTest {

    private static final String AUDIENCE = "patgate";
    private static final String SUBJECT = "system:serviceaccount:ci:builder";

    private static MockOAuth2Server provider;
    private static Verifiers verifiers;
    private static String issuer;
    private static RSAKey providerKey;

    @BeforeAll
    static void start() throws Exception {
        provider = new MockOAuth2Server();
        provider.start();
        issuer = provider.issuerUrl("k8s").toString();
        // the provider's first answers are slow (it warms up on a busy machine): these tests are not about timeouts
        verifiers = new Verifiers(Map.of("patgate.oidc.fetch-timeout", "30S"));
        HttpClient http = HttpClient.newHttpClient();
        http.send(
                HttpRequest.newBuilder(URI.create(provider.wellKnownUrl("k8s").toString()))
                        .build(),
                HttpResponse.BodyHandlers.discarding());
        // the provider's public key as anyone can read it, for the forgeries that need its kid or its bytes
        String jwks = http.send(
                        HttpRequest.newBuilder(
                                        URI.create(provider.jwksUrl("k8s").toString()))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        providerKey = (RSAKey) JWKSet.parse(jwks).getKeys().get(0);
    }

    @AfterAll
    static void stop() {
        verifiers.close();
        provider.shutdown();
    }

    private static String providerToken(
            String subject, String audience, Map<String, Object> claims, long expirySeconds) {
        return provider.issueToken("k8s", subject, audience, claims, expirySeconds)
                .serialize();
    }

    private static Trust k8s() {
        return trust(issuer, AUDIENCE, "system:serviceaccount:ci:*", Map.of(), null);
    }

    private static Verdict.Refused refused(Verdict verdict, ExchangeOutcome outcome) {
        Verdict.Refused refused =
                assertInstanceOf(Verdict.Refused.class, verdict, () -> "expected " + outcome + ", got " + verdict);
        assertEquals(outcome, refused.outcome(), refused::detail);
        assertEquals("invalid_grant", refused.outcome().error());
        return refused;
    }

    @Test
    void aTokenOfTheProviderSignedWithRs256IsAccepted() {
        Trust trust = k8s();
        String token = providerToken(SUBJECT, AUDIENCE, Map.of("kubernetes.io", Map.of("namespace", "ci")), 600);
        Verdict.Accepted accepted = assertInstanceOf(Verdict.Accepted.class, verifiers.verify(token, trust));
        assertEquals(issuer, accepted.issuer());
        assertEquals(SUBJECT, accepted.subject());
        assertEquals(trust, accepted.trust());
        long left = Duration.between(Instant.now(), accepted.expiresAt()).toSeconds();
        assertTrue(left > 500 && left <= 600, "exp is the token's own: " + accepted.expiresAt());
    }

    @Test
    void theFirstTrustThatAcceptsIsTheOneUsed() {
        Trust other = trust(issuer, AUDIENCE, "system:serviceaccount:prod:*", Map.of(), null);
        Trust ci = k8s();
        Trust alsoCi = trust(issuer, AUDIENCE, "*", Map.of(), null);
        Verdict.Accepted accepted = assertInstanceOf(
                Verdict.Accepted.class,
                verifiers.verify(providerToken(SUBJECT, AUDIENCE, Map.of(), 600), other, ci, alsoCi));
        assertEquals(ci, accepted.trust());
    }

    @Test
    void aTokenForAnotherAudienceIsRefused() {
        Verdict.Refused refused = refused(
                verifiers.verify(providerToken(SUBJECT, "another-service", Map.of(), 600), k8s()),
                ExchangeOutcome.WRONG_AUDIENCE);
        assertTrue(refused.detail().contains("another-service"), refused.detail());
        assertEquals(
                "the subject token is not trusted by any service account",
                refused.outcome().description());
    }

    @Test
    void aTokenOfAnotherSubjectIsRefused() {
        refused(
                verifiers.verify(providerToken("system:serviceaccount:prod:builder", AUDIENCE, Map.of(), 600), k8s()),
                ExchangeOutcome.NO_MATCHING_TRUST);
        // the pattern is whole-value: a prefix alone does not match
        Trust exact = trust(issuer, AUDIENCE, "system:serviceaccount:ci", Map.of(), null);
        refused(
                verifiers.verify(providerToken(SUBJECT, AUDIENCE, Map.of(), 600), exact),
                ExchangeOutcome.NO_MATCHING_TRUST);
    }

    @Test
    void claimPatternsMustAllMatch() {
        Trust trust = trust(
                issuer,
                AUDIENCE,
                null,
                Map.of("repository", "acme/*", "ref", "refs/heads/main", "/kubernetes.io/namespace", "ci"),
                null);
        Map<String, Object> good =
                Map.of("repository", "acme/api", "ref", "refs/heads/main", "kubernetes.io", Map.of("namespace", "ci"));
        assertInstanceOf(Verdict.Accepted.class, verifiers.verify(providerToken("anyone", AUDIENCE, good, 600), trust));
        Map<String, Object> otherRef = Map.of(
                "repository", "acme/api", "ref", "refs/heads/feature", "kubernetes.io", Map.of("namespace", "ci"));
        Verdict.Refused refused = refused(
                verifiers.verify(providerToken("anyone", AUDIENCE, otherRef, 600), trust),
                ExchangeOutcome.NO_MATCHING_TRUST);
        assertTrue(
                refused.detail().contains("ref refs/heads/feature does not match refs/heads/main"), refused.detail());
        Map<String, Object> missing = Map.of("repository", "acme/api", "ref", "refs/heads/main");
        refused(
                verifiers.verify(providerToken("anyone", AUDIENCE, missing, 600), trust),
                ExchangeOutcome.NO_MATCHING_TRUST);
    }

    @Test
    void aTokenOfAnIssuerNoTrustNamesIsRefused() {
        String other = provider.issueToken("elsewhere", SUBJECT, AUDIENCE, Map.of(), 600L)
                .serialize();
        Verdict.Refused refused = refused(verifiers.verify(other, k8s()), ExchangeOutcome.UNTRUSTED_ISSUER);
        assertTrue(refused.detail().contains("elsewhere"), refused.detail());
        // the same key set, the same kid naming scheme: a trust of issuer A does not take B's tokens even if A's keys
        // would verify them
        Trust claimsToBeK8s = trust(provider.issuerUrl("elsewhere").toString(), AUDIENCE, "*", Map.of(), null);
        assertInstanceOf(Verdict.Accepted.class, verifiers.verify(other, claimsToBeK8s));
    }

    @Test
    void anIssuerOnlyEqualIfExactlyEqual() {
        // a trailing slash, another case: another issuer (OpenID Connect Core 3.1.3.7: exact match)
        Trust slash = trust(issuer + "/", AUDIENCE, "*", Map.of(), null);
        refused(
                verifiers.verify(providerToken(SUBJECT, AUDIENCE, Map.of(), 600), slash),
                ExchangeOutcome.UNTRUSTED_ISSUER);
        Trust upper = trust(issuer.toUpperCase(), AUDIENCE, "*", Map.of(), null);
        refused(
                verifiers.verify(providerToken(SUBJECT, AUDIENCE, Map.of(), 600), upper),
                ExchangeOutcome.UNTRUSTED_ISSUER);
    }

    @Test
    void anExpiredTokenIsRefusedPastTheSkew() {
        // expired 10 s ago: still within the 30 s skew
        assertInstanceOf(
                Verdict.Accepted.class, verifiers.verify(providerToken(SUBJECT, AUDIENCE, Map.of(), -10), k8s()));
        Verdict.Refused refused = refused(
                verifiers.verify(providerToken(SUBJECT, AUDIENCE, Map.of(), -60), k8s()), ExchangeOutcome.EXPIRED);
        assertEquals("the subject token has expired", refused.outcome().description());
    }

    @Test
    void aTokenNotValidYetIsRefused() {
        ECKey key = Tokens.ec("ec-1");
        Trust trust = trust("https://ci.example.test", AUDIENCE, "*", Map.of(), Tokens.jwks(key));
        Instant now = Instant.now();
        JWTClaimsSet later = claims(trust.issuer(), SUBJECT, AUDIENCE)
                .notBeforeTime(Date.from(now.plusSeconds(120)))
                .build();
        refused(verifiers.verify(Tokens.sign(key, JWSAlgorithm.ES256, later), trust), ExchangeOutcome.NOT_YET_VALID);
        JWTClaimsSet issuedLater = claims(trust.issuer(), SUBJECT, AUDIENCE)
                .issueTime(Date.from(now.plusSeconds(120)))
                .build();
        refused(
                verifiers.verify(Tokens.sign(key, JWSAlgorithm.ES256, issuedLater), trust),
                ExchangeOutcome.NOT_YET_VALID);
        JWTClaimsSet withinSkew = claims(trust.issuer(), SUBJECT, AUDIENCE)
                .notBeforeTime(Date.from(now.plusSeconds(10)))
                .build();
        assertInstanceOf(
                Verdict.Accepted.class, verifiers.verify(Tokens.sign(key, JWSAlgorithm.ES256, withinSkew), trust));
    }

    @Test
    void aTokenWithoutExpiryIsRefused() {
        RSAKey key = Tokens.rsa("rsa-1");
        Trust trust = trust("https://ci.example.test", AUDIENCE, "*", Map.of(), Tokens.jwks(key));
        JWTClaimsSet forever =
                claims(trust.issuer(), SUBJECT, AUDIENCE).expirationTime(null).build();
        Verdict.Refused refused =
                refused(verifiers.verify(Tokens.sign(key, forever), trust), ExchangeOutcome.NO_EXPIRY);
        assertTrue(refused.outcome().description().contains("exp"));
    }

    @Test
    void aTokenSignedByAForeignKeyUnderTheProvidersKidIsRefused() {
        RSAKey foreign = Tokens.rsa(providerKey.getKeyID());
        String forged = Tokens.sign(foreign, claims(issuer, SUBJECT, AUDIENCE).build());
        Verdict.Refused refused = refused(verifiers.verify(forged, k8s()), ExchangeOutcome.BAD_SIGNATURE);
        assertEquals(
                "the subject token is not trusted by any service account",
                refused.outcome().description());
    }

    @Test
    void anUnsignedTokenIsRefused() {
        String none = Tokens.unsigned(claims(issuer, SUBJECT, AUDIENCE).build());
        refused(verifiers.verify(none, k8s()), ExchangeOutcome.ALGORITHM_REFUSED);
        // spelt otherwise by hand ("None", with the provider's kid and some signature bytes): still not an accepted
        // algorithm
        String[] parts = none.split("\\.");
        String header = com.nimbusds.jose.util.Base64URL.encode(
                        "{\"alg\":\"None\",\"kid\":\"" + providerKey.getKeyID() + "\"}")
                .toString();
        refused(verifiers.verify(header + "." + parts[1] + ".AAAA", k8s()), ExchangeOutcome.ALGORITHM_REFUSED);
        // and with an empty signature part it is not even a JWS
        refused(verifiers.verify(header + "." + parts[1] + ".", k8s()), ExchangeOutcome.MALFORMED);
    }

    @Test
    void anHs256TokenSignedWithTheProvidersPublicKeyIsRefused() {
        String confused = Tokens.hs256WithPublicKey(
                providerKey, claims(issuer, SUBJECT, AUDIENCE).build());
        Verdict.Refused refused = refused(verifiers.verify(confused, k8s()), ExchangeOutcome.ALGORITHM_REFUSED);
        assertTrue(refused.detail().contains("HS256"), refused.detail());
        // even an honest HMAC token under a symmetric key that a trust's inline key set holds: HMAC is never taken
        byte[] secret = new byte[32];
        String octSet = "{\"keys\":[{\"kty\":\"oct\",\"kid\":\"s\",\"k\":\""
                + com.nimbusds.jose.util.Base64URL.encode(secret) + "\"}]}";
        Trust withSecret = trust("https://ci.example.test", AUDIENCE, "*", Map.of(), octSet);
        refused(
                verifiers.verify(
                        Tokens.hs256(
                                secret,
                                "s",
                                claims(withSecret.issuer(), SUBJECT, AUDIENCE).build()),
                        withSecret),
                ExchangeOutcome.ALGORITHM_REFUSED);
    }

    @Test
    void garbageIsMalformed() {
        for (String junk : List.of(
                "",
                "not-a-jwt",
                "a.b.c",
                "x".repeat(SubjectTokenVerifier.MAX_TOKEN_CHARS + 1),
                "eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.c2ln")) {
            refused(verifiers.verify(junk, k8s()), ExchangeOutcome.MALFORMED);
        }
    }

    @Test
    void es256WithAnInlineKeySetIsAccepted() {
        ECKey key = Tokens.ec("ec-inline");
        // the issuer need not exist: nothing is fetched for a trust that carries its keys
        Trust trust =
                trust("https://kubernetes.default.svc.cluster.local", AUDIENCE, SUBJECT, Map.of(), Tokens.jwks(key));
        Verdict.Accepted accepted = assertInstanceOf(
                Verdict.Accepted.class,
                verifiers.verify(
                        Tokens.sign(
                                key,
                                JWSAlgorithm.ES256,
                                claims(trust.issuer(), SUBJECT, AUDIENCE).build()),
                        trust));
        assertEquals(trust, accepted.trust());
        // another EC key under the same kid: refused
        ECKey foreign = Tokens.ec("ec-inline");
        refused(
                verifiers.verify(
                        Tokens.sign(
                                foreign,
                                JWSAlgorithm.ES256,
                                claims(trust.issuer(), SUBJECT, AUDIENCE).build()),
                        trust),
                ExchangeOutcome.BAD_SIGNATURE);
    }

    @Test
    void eddsaWithAnInlineKeySetIsAccepted() {
        OctetKeyPair key = Tokens.ed25519("ed-inline");
        Trust trust =
                trust("https://token.actions.example.test", AUDIENCE, "repo:acme/api:*", Map.of(), Tokens.jwks(key));
        JWTClaimsSet claims = claims(trust.issuer(), "repo:acme/api:ref:refs/heads/main", AUDIENCE)
                .build();
        assertInstanceOf(Verdict.Accepted.class, verifiers.verify(Tokens.sign(key, JWSAlgorithm.EdDSA, claims), trust));
        // the fully specified name (RFC 9864) too
        assertInstanceOf(
                Verdict.Accepted.class, verifiers.verify(Tokens.sign(key, JWSAlgorithm.Ed25519, claims), trust));
        OctetKeyPair foreign = Tokens.ed25519("ed-inline");
        refused(
                verifiers.verify(Tokens.sign(foreign, JWSAlgorithm.EdDSA, claims), trust),
                ExchangeOutcome.BAD_SIGNATURE);
    }

    @Test
    void ps256IsAcceptedAndAKeyNamingAnotherAlgorithmIsNotUsed() {
        RSAKey key = Tokens.rsa("rsa-ps");
        Trust trust = trust("https://ci.example.test", AUDIENCE, "*", Map.of(), Tokens.jwks(key));
        JWTClaimsSet claims = claims(trust.issuer(), SUBJECT, AUDIENCE).build();
        assertInstanceOf(Verdict.Accepted.class, verifiers.verify(Tokens.sign(key, JWSAlgorithm.PS256, claims), trust));
        // the key says it is for RS256 only: a PS256 token under it is refused (and an RS256 one taken)
        RSAKey rs256Only = new RSAKey.Builder(key).algorithm(JWSAlgorithm.RS256).build();
        Trust pinned = trust("https://ci.example.test", AUDIENCE, "*", Map.of(), Tokens.jwks(rs256Only));
        refused(verifiers.verify(Tokens.sign(key, JWSAlgorithm.PS256, claims), pinned), ExchangeOutcome.UNKNOWN_KEY);
        assertInstanceOf(
                Verdict.Accepted.class, verifiers.verify(Tokens.sign(key, JWSAlgorithm.RS256, claims), pinned));
        // an EC key cannot check an RSA algorithm, whatever the kid says
        ECKey ec = Tokens.ec("rsa-ps");
        Trust ecTrust = trust("https://ci.example.test", AUDIENCE, "*", Map.of(), Tokens.jwks(ec));
        refused(verifiers.verify(Tokens.sign(key, JWSAlgorithm.RS256, claims), ecTrust), ExchangeOutcome.UNKNOWN_KEY);
    }

    @Test
    void aKidNotInAnInlineKeySetIsRefused() {
        RSAKey key = Tokens.rsa("known");
        Trust trust = trust("https://ci.example.test", AUDIENCE, "*", Map.of(), Tokens.jwks(key));
        RSAKey other = Tokens.rsa("unknown");
        Verdict.Refused refused = refused(
                verifiers.verify(
                        Tokens.sign(
                                other, claims(trust.issuer(), SUBJECT, AUDIENCE).build()),
                        trust),
                ExchangeOutcome.UNKNOWN_KEY);
        assertTrue(refused.detail().contains("kid unknown is not among the keys [known]"), refused.detail());
    }

    @Test
    void anAudienceArrayNeedsToContainTheTrustsAudience() {
        RSAKey key = Tokens.rsa("aud");
        Trust trust = trust("https://ci.example.test", AUDIENCE, "*", Map.of(), Tokens.jwks(key));
        JWTClaimsSet many = claims(trust.issuer(), SUBJECT, AUDIENCE)
                .audience(List.of("sts.amazonaws.com", AUDIENCE))
                .build();
        assertInstanceOf(Verdict.Accepted.class, verifiers.verify(Tokens.sign(key, many), trust));
        JWTClaimsSet none = claims(trust.issuer(), SUBJECT, AUDIENCE)
                .audience((String) null)
                .build();
        refused(verifiers.verify(Tokens.sign(key, none), trust), ExchangeOutcome.WRONG_AUDIENCE);
    }
}
