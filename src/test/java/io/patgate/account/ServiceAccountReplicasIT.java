package io.patgate.account;

import static io.patgate.support.Api.as;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.patgate.support.Api;
import io.patgate.support.SecondReplica;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two replicas on one database, as in production: a service account disabled on one (the application Quarkus
 * launched for this test, port 8081) stops its token on the other (port 8085) at once, through the change feed.
 */
@QuarkusIntegrationTest
class ServiceAccountReplicasIT {

    private static SecondReplica second;

    @BeforeAll
    static void startTheSecondReplica() throws Exception {
        second = SecondReplica.start("service-accounts-replica", 8085, 9005, Map.of());
    }

    @AfterAll
    static void stopTheSecondReplica() throws Exception {
        if (second != null) {
            second.close();
        }
    }

    private static io.restassured.specification.RequestSpecification onB(String bearer) {
        return as(bearer).port(second.port);
    }

    /** How long after the change on A the token still worked on B, polling as fast as B answers. */
    private static long millisUntilRefusedOnB(String value, long startedNanos) {
        while (onB(value).get("/auth/verify").statusCode() == 200) {
            assertTrue(
                    System.nanoTime() - startedNanos < 5_000_000_000L, "still accepted on B 5 s after the change on A");
        }
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }

    @Test
    void disablingTheAccountOnOneReplicaKillsItsTokenOnTheOtherAtOnce() {
        String admin = Api.adminSession();
        String id = as(admin)
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "name",
                        "replicated-" + UUID.randomUUID().toString().substring(0, 8),
                        "roles",
                        List.of("deploy")))
                .post("/api/v1/service-accounts")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        String value = as(admin)
                .contentType(ContentType.JSON)
                .body(Map.of("name", "pipeline"))
                .post("/api/v1/service-accounts/" + id + "/tokens")
                .then()
                .statusCode(201)
                .extract()
                .path("token");
        onB(value).get("/auth/verify").then().statusCode(200);

        long started = System.nanoTime();
        as(admin)
                .contentType(ContentType.JSON)
                .body(Map.of("disabled", true))
                .patch("/api/v1/service-accounts/" + id)
                .then()
                .statusCode(200);
        long answered = System.nanoTime();
        long lag = millisUntilRefusedOnB(value, answered);
        System.out.println("service account disabled on A (answered in " + (answered - started) / 1_000_000
                + " ms): its token refused on B " + lag + " ms after A answered");
        onB(value).get("/api/v1/me").then().statusCode(401);

        // deleting, likewise: a fresh token of a re-enabled account dies on B with the account
        as(admin)
                .contentType(ContentType.JSON)
                .body(Map.of("disabled", false))
                .patch("/api/v1/service-accounts/" + id)
                .then()
                .statusCode(200);
        String fresh = as(admin)
                .contentType(ContentType.JSON)
                .body(Map.of("name", "pipeline 2"))
                .post("/api/v1/service-accounts/" + id + "/tokens")
                .then()
                .statusCode(201)
                .extract()
                .path("token");
        onB(fresh).get("/auth/verify").then().statusCode(200);
        long deleting = System.nanoTime();
        as(admin).delete("/api/v1/service-accounts/" + id).then().statusCode(204);
        long deleted = System.nanoTime();
        System.out.println("service account deleted on A (answered in " + (deleted - deleting) / 1_000_000
                + " ms): its token refused on B " + millisUntilRefusedOnB(fresh, deleted) + " ms after A answered");
    }

    /** A JWT of an outside issuer whose key the trust carries inline: no issuer needs to be reachable. */
    private static String subjectToken(com.nimbusds.jose.jwk.ECKey key, String issuer, String subject)
            throws Exception {
        var claims = new com.nimbusds.jwt.JWTClaimsSet.Builder()
                .issuer(issuer)
                .audience("patgate")
                .subject(subject)
                .issueTime(new java.util.Date())
                .expirationTime(new java.util.Date(System.currentTimeMillis() + 600_000))
                .build();
        var jwt = new com.nimbusds.jwt.SignedJWT(
                new com.nimbusds.jose.JWSHeader.Builder(com.nimbusds.jose.JWSAlgorithm.ES256)
                        .keyID(key.getKeyID())
                        .build(),
                claims);
        jwt.sign(new com.nimbusds.jose.crypto.ECDSASigner(key));
        return jwt.serialize();
    }

    private static String exchangeOn(int port, String subjectToken) {
        return io.restassured.RestAssured.given()
                .port(port)
                .contentType(ContentType.URLENC)
                .formParam("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange")
                .formParam("subject_token", subjectToken)
                .formParam("subject_token_type", "urn:ietf:params:oauth:token-type:jwt")
                .post("/oauth/token")
                .then()
                .statusCode(200)
                .extract()
                .path("access_token");
    }

    @Test
    void anExchangedTokenIsGoodOnEveryReplicaAtOnceAndDiesOnEveryReplicaWithItsTrustOrAccount() throws Exception {
        String admin = Api.adminSession();
        var key = new com.nimbusds.jose.jwk.gen.ECKeyGenerator(com.nimbusds.jose.jwk.Curve.P_256)
                .keyID("ci-1")
                .generate();
        String issuer = "https://ci.example.test";
        String subject = "job:" + UUID.randomUUID();
        Map<String, Object> jwks = Map.of("keys", List.of(key.toPublicJWK().toJSONObject()));
        String id = as(admin)
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "name",
                        "exchanging-" + UUID.randomUUID().toString().substring(0, 8),
                        "roles",
                        List.of("deploy")))
                .post("/api/v1/service-accounts")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        Map<String, Object> trustBody =
                Map.of("issuer", issuer, "audience", "patgate", "subject", subject, "jwks", jwks);
        String trust = as(admin)
                .contentType(ContentType.JSON)
                .body(trustBody)
                .post("/api/v1/service-accounts/" + id + "/trust")
                .then()
                .statusCode(201)
                .extract()
                .path("id");

        // issued on A, accepted on B at once (same keys, same trust entries, no row to wait for)
        String token = exchangeOn(8081, subjectToken(key, issuer, subject));
        onB(token).get("/auth/verify").then().statusCode(200).header("X-Auth-User-Id", id);

        long removing = System.nanoTime();
        as(admin)
                .delete("/api/v1/service-accounts/" + id + "/trust/" + trust)
                .then()
                .statusCode(204);
        long removed = System.nanoTime();
        System.out.println("trust removed on A (answered in " + (removed - removing) / 1_000_000
                + " ms): its exchanged token refused on B " + millisUntilRefusedOnB(token, removed)
                + " ms after A answered");

        // a new trust, created on A, lets B exchange at once; disabling the account on A ends that token on B
        as(admin)
                .contentType(ContentType.JSON)
                .body(trustBody)
                .post("/api/v1/service-accounts/" + id + "/trust")
                .then()
                .statusCode(201);
        String onSecond = exchangeOn(second.port, subjectToken(key, issuer, subject));
        as(onSecond).get("/auth/verify").then().statusCode(200);
        long disabling = System.nanoTime();
        as(admin)
                .contentType(ContentType.JSON)
                .body(Map.of("disabled", true))
                .patch("/api/v1/service-accounts/" + id)
                .then()
                .statusCode(200);
        long disabled = System.nanoTime();
        System.out.println("account disabled on A (answered in " + (disabled - disabling) / 1_000_000
                + " ms): a token exchanged on B refused on B " + millisUntilRefusedOnB(onSecond, disabled)
                + " ms after A answered");
        as(onSecond).get("/auth/verify").then().statusCode(401);
    }
}
