package io.patgate.token;

import static io.patgate.support.Api.as;
import static io.patgate.support.Api.isProblem;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.*;

import io.patgate.identity.IdentityState;
import io.patgate.identity.KeyRing;
import io.patgate.identity.TokenSigner;
import io.patgate.identity.TokenState;
import io.patgate.support.Api;
import io.patgate.support.Forge;
import io.patgate.support.States;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.junit.jupiter.api.Test;

@QuarkusTest
class TokenSecurityTest {

    @Inject
    KeyRing keys;

    @Inject
    IdentityState state;

    @Test
    void aTokenWorksAsTheBasicPasswordOfItsOwnerOnly() {
        Api.TestUser alice = Api.aUser("deploy");
        Api.Issued token = Api.aToken(alice.session(), Map.of());
        given().auth()
                .preemptive()
                .basic(alice.username(), token.value())
                .get("/api/v1/me")
                .then()
                .statusCode(200)
                .body("authMethod", equalTo("pat"));
        given().auth()
                .preemptive()
                .basic(alice.username().toUpperCase(), token.value())
                .get("/api/v1/me")
                .then()
                .statusCode(200);
        isProblem(
                given().auth()
                        .preemptive()
                        .basic("admin", token.value())
                        .get("/api/v1/me")
                        .then(),
                401);
        isProblem(
                given().auth()
                        .preemptive()
                        .basic(alice.username(), Api.PASSWORD)
                        .get("/api/v1/me")
                        .then(),
                401);
        given().auth()
                .preemptive()
                .basic(alice.username(), token.value())
                .get("/auth/verify")
                .then()
                .statusCode(200)
                .header("X-Auth-User", alice.username());
    }

    @Test
    void aTokenWithoutTheTokensScopeCannotManageTokens() {
        String session = Api.aUser("deploy").session();
        Api.Issued plain = Api.aToken(session, Map.of());
        isProblem(
                        as(plain.value())
                                .contentType(ContentType.JSON)
                                .body(Map.of("name", "child"))
                                .post("/api/v1/tokens")
                                .then(),
                        403)
                .body("detail", containsString("tokens"));
        isProblem(as(plain.value()).get("/api/v1/tokens").then(), 403);
        isProblem(as(plain.value()).delete("/api/v1/tokens/" + plain.id()).then(), 403);
    }

    @Test
    void aTokenCannotMintMoreThanItHolds() {
        String session = Api.aUser("deploy", "devices:read").session();
        Api.Issued manager = Api.aToken(session, Map.of("scopes", List.of("deploy", "tokens"), "expiresInDays", 10));
        // more scopes than it holds: 403, even though the owner has the role
        isProblem(
                        as(manager.value())
                                .contentType(ContentType.JSON)
                                .body(Map.of("name", "wider", "scopes", List.of("devices:read")))
                                .post("/api/v1/tokens")
                                .then(),
                        403)
                .body("detail", containsString("devices:read"));
        // a later expiry than its own: 403
        isProblem(
                as(manager.value())
                        .contentType(ContentType.JSON)
                        .body(Map.of("name", "longer", "expiresInDays", 30))
                        .post("/api/v1/tokens")
                        .then(),
                403);
        // by default the child gets the maker's scopes (minus tokens) and dies with it at the latest
        var child = as(manager.value())
                .contentType(ContentType.JSON)
                .body(Map.of("name", "child"))
                .post("/api/v1/tokens")
                .then()
                .statusCode(201)
                .body("scopes", contains("deploy"))
                .extract()
                .jsonPath();
        String makerExpiry = as(session)
                .get("/api/v1/tokens/" + manager.id())
                .then()
                .extract()
                .path("expiresAt");
        org.junit.jupiter.api.Assertions.assertFalse(
                Instant.parse(child.getString("expiresAt")).isAfter(Instant.parse(makerExpiry)));
        // nor can it widen a token by patching or regenerating
        Api.Issued wide = Api.aToken(session, Map.of("scopes", List.of("deploy", "devices:read")));
        isProblem(
                as(manager.value())
                        .contentType(ContentType.JSON)
                        .body(Map.of("scopes", List.of("deploy", "devices:read", "tokens")))
                        .patch("/api/v1/tokens/" + child.getString("id"))
                        .then(),
                403);
        isProblem(
                as(manager.value())
                        .contentType(ContentType.JSON)
                        .body(Map.of("expiresInDays", 5))
                        .post("/api/v1/tokens/" + wide.id() + "/regenerate")
                        .then(),
                403);
        // within its bounds it can do the job
        as(manager.value())
                .contentType(ContentType.JSON)
                .body(Map.of("name", "narrow", "scopes", List.of("deploy"), "expiresInDays", 5))
                .post("/api/v1/tokens")
                .then()
                .statusCode(201);
    }

    @Test
    void aNetworkRestrictedTokenCannotMintAnUnrestrictedOne() {
        String session = Api.aUser("deploy").session();
        Api.Issued maker = Api.aToken(
                session, Map.of("scopes", List.of("deploy", "tokens"), "allowedCidrs", List.of("127.0.0.0/8")));
        as(maker.value())
                .contentType(ContentType.JSON)
                .body(Map.of("name", "child"))
                .post("/api/v1/tokens")
                .then()
                .statusCode(201)
                .body("allowedCidrs", contains("127.0.0.0/8"));
        isProblem(
                as(maker.value())
                        .contentType(ContentType.JSON)
                        .body(Map.of("name", "escape", "allowedCidrs", List.of("0.0.0.0/0")))
                        .post("/api/v1/tokens")
                        .then(),
                403);
        as(maker.value())
                .contentType(ContentType.JSON)
                .body(Map.of("name", "narrower", "allowedCidrs", List.of("127.0.0.1/32")))
                .post("/api/v1/tokens")
                .then()
                .statusCode(201);
    }

    @Test
    void aDeadOldValueCannotRevokeTheLiveToken() {
        String session = Api.aUser().session();
        Api.Issued token = Api.aToken(session, Map.of());
        String fresh = as(session)
                .contentType(ContentType.JSON)
                .body(Map.of("expiresInDays", 5))
                .post("/api/v1/tokens/" + token.id() + "/regenerate")
                .then()
                .statusCode(200)
                .extract()
                .path("token");
        given().contentType(ContentType.URLENC)
                .formParam("token", token.value())
                .post("/oauth/revoke")
                .then()
                .statusCode(200);
        as(fresh).get("/api/v1/me").then().statusCode(200);
        as(session).get("/api/v1/tokens/" + token.id()).then().body("status", equalTo("active"));
    }

    @Test
    void forgedTokensAreRefused() {
        String session = Api.aUser("deploy").session();
        Api.Issued real = Api.aToken(session, Map.of());
        String userId = as(real.value()).get("/api/v1/me").then().extract().path("id");
        String adminId =
                as(Api.adminSession()).get("/api/v1/me").then().extract().path("id");
        String kid = keys.activeKid();
        String jwks =
                given().get("/.well-known/jwks.json").then().extract().body().asString();
        String type = TokenSigner.PAT_TYPE;
        var claims = Forge.claims(userId, 3600);
        claims.setJwtId(real.id());
        List<String> forged = List.of(
                Forge.unsigned(userId, kid, type),
                Forge.foreignKey(userId, kid, type),
                Forge.hmacWithPublicKey(userId, kid, type, jwks),
                Forge.tamperedPayload(real.value(), "sub", adminId),
                Forge.tamperedPayload(real.value(), "exp", "9999999999"),
                // signed with the real key (as if it were stolen), for a real token id: the digest does not match
                Forge.sign(
                        claims, AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256, keys.signingKey(), kid, type),
                // signed with the real key for a token id that does not exist
                Forge.sign(
                        Forge.claims(adminId, 3600),
                        AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256,
                        keys.signingKey(),
                        kid,
                        type));
        for (String token : forged) {
            isProblem(as(token).get("/api/v1/me").then(), 401);
            isProblem(as(token).get("/auth/verify").then(), 401);
        }
        as(real.value()).get("/api/v1/me").then().statusCode(200);
    }

    @Test
    void aSessionCannotPoseAsATokenNorATokenAsASession() {
        String session = Api.aUser().session();
        String retyped = Forge.sign(
                Forge.claims(UUID.randomUUID().toString(), 3600),
                AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256,
                keys.signingKey(),
                keys.activeKid(),
                "JWT");
        isProblem(as(retyped).get("/api/v1/me").then(), 401);
        // a PAT cannot log out (that is for sessions) and is never accepted as one
        Api.Issued token = Api.aToken(session, Map.of());
        isProblem(as(token.value()).post("/api/v1/auth/logout").then(), 403);
    }

    @Test
    void allowedCidrsAreEnforcedOnTheTcpPeerAndCannotBeSpoofed() {
        String session = Api.aUser().session();
        Api.Issued elsewhere = Api.aToken(session, Map.of("allowedCidrs", List.of("10.0.0.0/8", "2001:db8::/32")));
        Api.Issued local = Api.aToken(session, Map.of("allowedCidrs", List.of("127.0.0.0/8", "::1/128")));
        isProblem(as(elsewhere.value()).get("/auth/verify").then(), 401);
        // the client's own X-Forwarded-For is ignored: no proxy is trusted by default
        isProblem(
                as(elsewhere.value())
                        .header("X-Forwarded-For", "10.1.2.3")
                        .get("/auth/verify")
                        .then(),
                401);
        isProblem(
                as(elsewhere.value())
                        .header("Forwarded", "for=10.1.2.3")
                        .get("/auth/verify")
                        .then(),
                401);
        as(local.value()).get("/auth/verify").then().statusCode(200);
    }

    @Test
    void anExpiredTokenIsRefused() {
        String session = Api.aUser().session();
        Api.Issued token = Api.aToken(session, Map.of());
        as(token.value()).get("/api/v1/me").then().statusCode(200);
        TokenState live = state.token(UUID.fromString(token.id()));
        // time travel: the same token, as it will be once its expiry has passed
        state.putToken(States.expired(live));
        try {
            isProblem(as(token.value()).get("/api/v1/me").then(), 401);
        } finally {
            state.putToken(States.restored(live));
        }
        as(token.value()).get("/api/v1/me").then().statusCode(200);
    }
}
