package io.patgate.token;

import static io.patgate.support.Api.as;
import static io.patgate.support.Api.isProblem;
import static io.patgate.support.Eventually.eventually;
import static org.hamcrest.Matchers.*;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.patgate.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** POST /api/v1/tokens/self/rotate: a token, about itself, for jobs that renew their own credential. */
@QuarkusTest
class SelfRotationTest {

    private static final String ROTATE = "/api/v1/tokens/self/rotate";

    private static io.restassured.response.ValidatableResponse rotate(String value, Map<String, ?> body) {
        return as(value).contentType(ContentType.JSON).body(body).post(ROTATE).then();
    }

    @Test
    void aTokenRotatesItselfAndItsOldValueLivesOutTheGraceOnly() throws Exception {
        Api.TestUser owner = Api.aUser("deploy");
        // a narrow token: rotating itself needs no scope tokens
        Api.Issued token =
                Api.aToken(owner.session(), Map.of("name", "nightly", "scopes", List.of("deploy"), "expiresInDays", 3));
        JsonPath rotated = rotate(token.value(), Map.of("expiresInDays", 30, "graceSeconds", 3))
                .statusCode(200)
                .body("id", equalTo(token.id()))
                .body("name", equalTo("nightly"))
                .body("scopes", contains("deploy"))
                .body("owner", equalTo(owner.username()))
                .body("status", equalTo("active"))
                .extract()
                .jsonPath();
        String fresh = rotated.getString("token");
        assertNotEquals(token.value(), fresh);
        Instant expires = Instant.parse(rotated.getString("expiresAt"));
        assertTrue(
                Duration.between(Instant.now().plus(Duration.ofDays(30)), expires)
                                .abs()
                                .toMinutes()
                        < 2,
                "30 days, not the 3 it had left");

        as(fresh).get("/api/v1/me").then().statusCode(200).body("tokenId", equalTo(token.id()));
        as(token.value()).get("/api/v1/me").then().statusCode(200); // its grace period
        eventually(
                Duration.ofSeconds(10),
                () -> as(token.value()).get("/api/v1/me").then().statusCode(401));
        as(fresh).get("/auth/verify").then().statusCode(200);

        as(owner.session())
                .get("/api/v1/audit?action=token.rotated&tokenId=" + token.id())
                .then()
                .statusCode(200)
                .body("$", hasSize(1))
                .body("[0].actor", equalTo(owner.username() + " (token " + token.id() + ")"))
                .body("[0].detail", containsString("old value valid for 3 s"));
    }

    @Test
    void withoutAGracePeriodTheOldValueDiesAtOnceAndTheDefaultLifetimeApplies() {
        Api.Issued token = Api.aToken(Api.aUser().session(), Map.of("expiresInDays", 2));
        JsonPath rotated = as(token.value())
                .contentType(ContentType.JSON)
                .post(ROTATE)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        as(token.value()).get("/api/v1/me").then().statusCode(401);
        as(rotated.getString("token")).get("/api/v1/me").then().statusCode(200);
        Instant expires = Instant.parse(rotated.getString("expiresAt"));
        assertTrue(
                Duration.between(Instant.now().plus(Duration.ofDays(30)), expires)
                                .abs()
                                .toMinutes()
                        < 2,
                "patgate.tokens.default-lifetime");
    }

    @Test
    void onlyTheCurrentValueRotatesTheReplacedOneGets409() {
        Api.Issued token = Api.aToken(Api.aUser().session(), Map.of());
        String second = rotate(token.value(), Map.of("graceSeconds", 600))
                .statusCode(200)
                .extract()
                .path("token");
        // a second job still holding the old value must not take the token from the first
        isProblem(rotate(token.value(), Map.of("graceSeconds", 600)), 409)
                .body("detail", containsString("only the current value"));
        as(second).get("/api/v1/me").then().statusCode(200);
        as(token.value()).get("/api/v1/me").then().statusCode(200);
        String third = rotate(second, Map.of()).statusCode(200).extract().path("token");
        as(second).get("/api/v1/me").then().statusCode(401);
        as(token.value()).get("/api/v1/me").then().statusCode(401);
        as(third).get("/api/v1/me").then().statusCode(200);
    }

    @Test
    void aSessionCannotRotateAndBadBodiesAre400() {
        String session = Api.aUser().session();
        isProblem(rotate(session, Map.of()), 403).body("detail", containsString("personal access token"));
        Api.Issued token = Api.aToken(session, Map.of());
        isProblem(rotate(token.value(), Map.of("expiresInDays", 0)), 400)
                .body("errors[0].field", equalTo("expiresInDays"));
        isProblem(rotate(token.value(), Map.of("expiresInDays", 366)), 400)
                .body("errors[0].field", equalTo("expiresInDays"));
        isProblem(rotate(token.value(), Map.of("graceSeconds", 86401)), 400)
                .body("errors[0].field", equalTo("graceSeconds"));
        isProblem(rotate(token.value(), Map.of("graceSeconds", -1)), 400);
        isProblem(rotate(token.value(), Map.of("neverExpires", true)), 400);
        isProblem(
                as(token.value())
                        .contentType(ContentType.TEXT)
                        .body("x")
                        .post(ROTATE)
                        .then(),
                415);
        // nothing changed: the value still works, and nothing was audited
        as(token.value()).get("/api/v1/me").then().statusCode(200);
        as(session)
                .get("/api/v1/audit?action=token.rotated&tokenId=" + token.id())
                .then()
                .body("$", empty());
        isProblem(
                as("not-a-token")
                        .contentType(ContentType.JSON)
                        .body(Map.of())
                        .post(ROTATE)
                        .then(),
                401);
    }

    @Test
    void aRevokedTokenCannotRotate() {
        String session = Api.aUser().session();
        Api.Issued token = Api.aToken(session, Map.of());
        as(session).delete("/api/v1/tokens/" + token.id()).then().statusCode(204);
        isProblem(rotate(token.value(), Map.of()), 401);
    }

    @Test
    void aServiceAccountsTokenRotatesItselfAndStaysTheAccounts() {
        String admin = Api.adminSession();
        String name = "svc-" + UUID.randomUUID().toString().substring(0, 8);
        String account = as(admin)
                .contentType(ContentType.JSON)
                .body(Map.of("name", name, "roles", List.of("deploy")))
                .post("/api/v1/service-accounts")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        String value = as(admin)
                .contentType(ContentType.JSON)
                .body(Map.of("name", "cron"))
                .post("/api/v1/service-accounts/" + account + "/tokens")
                .then()
                .statusCode(201)
                .extract()
                .path("token");
        String fresh = rotate(value, Map.of("expiresInDays", 7, "graceSeconds", 60))
                .statusCode(200)
                .body("owner", equalTo(name))
                .extract()
                .path("token");
        as(fresh).get("/auth/verify").then().statusCode(200).header("X-Auth-User", name);
    }
}
