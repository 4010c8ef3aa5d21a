package io.patgate.integration;

import static io.patgate.support.Api.as;
import static io.patgate.support.Api.isProblem;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.*;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.patgate.identity.IdentityState;
import io.patgate.identity.TokenState;
import io.patgate.support.Api;
import io.patgate.support.States;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class KeyRotationTest {

    @Inject
    IdentityState state;

    @Inject
    io.vertx.mutiny.sqlclient.Pool pool;

    private static String kid(String jwt) {
        String header = new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[0]), StandardCharsets.UTF_8);
        return header.replaceAll(".*\"kid\":\"([^\"]+)\".*", "$1");
    }

    @Test
    void afterARotationNewTokensGetTheNewKeyAndOldOnesKeepWorking() {
        String admin = Api.adminSession();
        String session = Api.aUser("deploy").session();
        Api.Issued before = Api.aToken(session, Map.of());
        String oldKid = kid(before.value());

        String newKid = as(admin)
                .post("/api/v1/admin/keys/rotate?immediate=true")
                .then()
                .statusCode(201)
                .extract()
                .path("kid");
        assertNotEquals(oldKid, newKid);
        given().get("/.well-known/jwks.json")
                .then()
                .statusCode(200)
                .header("Cache-Control", containsString("max-age"))
                .body("keys.kid", hasItems(oldKid, newKid))
                .body("keys[0].kid", equalTo(newKid));
        as(admin)
                .get("/api/v1/admin/keys")
                .then()
                .statusCode(200)
                .body("find { it.kid == '" + newKid + "' }.active", equalTo(true))
                .body("find { it.kid == '" + oldKid + "' }.active", equalTo(false))
                .body("find { it.kid == '" + oldKid + "' }.retiredAt", notNullValue())
                .body("$", not(hasItem(hasKey("privateKey"))));

        Api.Issued after = Api.aToken(session, Map.of());
        org.junit.jupiter.api.Assertions.assertEquals(newKid, kid(after.value()));
        org.junit.jupiter.api.Assertions.assertEquals(newKid, kid(Api.adminSession()));
        // signed before the rotation, still good: the token, and the session that was open
        as(before.value()).get("/api/v1/me").then().statusCode(200);
        as(session).get("/api/v1/me").then().statusCode(200);
        as(after.value()).get("/api/v1/me").then().statusCode(200);
        as(admin)
                .get("/api/v1/audit?action=key.rotated")
                .then()
                .statusCode(200)
                .body("[0].detail", containsString(newKid))
                .body("[0].actor", equalTo("admin"));
    }

    @Test
    void aNewKeyIsPublishedBeforeItSigns() throws InterruptedException {
        String admin = Api.adminSession();
        String session = Api.aUser("deploy").session();
        String oldKid = kid(Api.aToken(session, Map.of()).value());
        var rotation = as(admin)
                .post("/api/v1/admin/keys/rotate")
                .then()
                .statusCode(201)
                .extract()
                .jsonPath();
        String newKid = rotation.getString("kid");
        Instant signsFrom = Instant.parse(rotation.getString("signsFrom"));
        org.junit.jupiter.api.Assertions.assertTrue(
                signsFrom.isAfter(Instant.now().plus(Duration.ofMinutes(9))),
                "by default a new key signs 10 minutes after it is published: " + signsFrom);
        // verifiers that fetch the JWKS now learn the new key; tokens are still signed with the old one
        given().get("/.well-known/jwks.json").then().body("keys.kid", hasItems(oldKid, newKid));
        org.junit.jupiter.api.Assertions.assertEquals(
                oldKid, kid(Api.aToken(session, Map.of()).value()));
        as(admin)
                .get("/api/v1/admin/keys")
                .then()
                .body("find { it.kid == '" + oldKid + "' }.retiredAt", equalTo(rotation.getString("signsFrom")));

        // its time comes (moved forward here, rather than waiting ten minutes): every replica switches by itself
        pool.query("update signing_key set signs_from = now() where kid = '" + newKid + "'")
                .execute()
                .await()
                .atMost(Duration.ofSeconds(5));
        pool.query("update signing_key set retired_at = now() where kid = '" + oldKid + "'")
                .execute()
                .await()
                .atMost(Duration.ofSeconds(5));
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (!newKid.equals(kid(Api.aToken(session, Map.of()).value()))) {
            org.junit.jupiter.api.Assertions.assertTrue(
                    System.nanoTime() < deadline, "the new key never started signing");
            Thread.sleep(200);
        }
        isProblem(as(admin).post("/api/v1/admin/keys/rotate?immediate=maybe").then(), 400)
                .body("errors[0].field", equalTo("immediate"));
    }

    @Test
    void onlyAdminsRotate() {
        isProblem(
                as(Api.aUser("deploy").session())
                        .post("/api/v1/admin/keys/rotate")
                        .then(),
                403);
    }

    @Test
    void usingAnExpiredTokenIsAudited() throws InterruptedException {
        String session = Api.aUser().session();
        Api.Issued token = Api.aToken(session, Map.of());
        TokenState live = state.token(UUID.fromString(token.id()));
        state.putToken(States.expired(live));
        try {
            isProblem(as(token.value()).get("/api/v1/me").then(), 401);
        } finally {
            state.putToken(States.restored(live));
        }
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (!as(session)
                .get("/api/v1/audit?tokenId=" + token.id() + "&action=token.expired-use")
                .then()
                .extract()
                .header("X-Total-Count")
                .equals("1")) {
            org.junit.jupiter.api.Assertions.assertTrue(
                    System.nanoTime() < deadline, "the expired use was not audited");
            Thread.sleep(250);
        }
    }
}
