package io.patgate.account;

import static io.patgate.support.Api.as;
import static io.patgate.support.Api.isProblem;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.*;

import io.patgate.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Security review, issue 25, finding 2: an admin-scoped personal access token must not take over the account that
 * made it. Every write that changes an account needs a signed-in session; the token gets 403 session-required and
 * nothing changes, while it still reads what an admin may read.
 */
@QuarkusTest
class SessionOnlyWritesTest {

    private static final String NEW_PASSWORD = "the attacker's own password";
    /** The widest token there is: every role of an admin, and the management of tokens. */
    private static final List<String> ADMIN_TOKEN = List.of("admin", "tokens");

    private static ValidatableResponse sessionRequired(ValidatableResponse response) {
        return isProblem(response, 403)
                .body("type", equalTo("urn:patgate:problem:session-required"))
                .body("detail", containsString("session"));
    }

    private static RequestSpecification json(RequestSpecification request, Map<String, ?> body) {
        return request.contentType(ContentType.JSON).body(body);
    }

    private static int loginStatus(String username, String password) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("username", username, "password", password))
                .post("/api/v1/auth/login")
                .then()
                .extract()
                .statusCode();
    }

    @Test
    void anAdminTokenCannotChangeItsOwnersPasswordNorEndTheirSessions() {
        Api.TestUser owner = Api.aUser("admin");
        String session = owner.session();
        String pat = Api.aToken(session, Map.of("scopes", ADMIN_TOKEN)).value();

        sessionRequired(json(as(pat), Map.of("password", NEW_PASSWORD))
                .patch("/api/v1/users/" + owner.id())
                .then());
        // the token as the password of Basic auth is the same token
        sessionRequired(json(given().auth().preemptive().basic(owner.username(), pat), Map.of("password", NEW_PASSWORD))
                .patch("/api/v1/users/" + owner.id())
                .then());
        sessionRequired(json(as(pat), Map.of("currentPassword", Api.PASSWORD, "newPassword", NEW_PASSWORD))
                .post("/api/v1/me/password")
                .then());

        // the password is still the old one, and the owner's session was not ended
        org.junit.jupiter.api.Assertions.assertEquals(401, loginStatus(owner.username(), NEW_PASSWORD));
        org.junit.jupiter.api.Assertions.assertEquals(200, loginStatus(owner.username(), Api.PASSWORD));
        as(session).get("/api/v1/me").then().statusCode(200).body("authMethod", equalTo("session"));
        // nor was a change audited
        as(session)
                .get("/api/v1/audit?username=" + owner.username() + "&action=user.password-changed")
                .then()
                .statusCode(200)
                .header("X-Total-Count", "0");
    }

    @Test
    void anAdminTokenCannotCreateGrantDisableDeleteOrRedirectNotices() {
        Api.TestUser owner = Api.aUser("admin");
        String session = owner.session();
        String pat = Api.aToken(session, Map.of("scopes", ADMIN_TOKEN)).value();
        Api.TestUser other = Api.aUser("deploy");
        String othersSession = other.session();

        // creating a user (an admin, whose password the attacker would know)
        String name = "taker-" + UUID.randomUUID().toString().substring(0, 8);
        sessionRequired(json(as(pat), Map.of("username", name, "password", NEW_PASSWORD, "roles", List.of("admin")))
                .post("/api/v1/users")
                .then());
        org.junit.jupiter.api.Assertions.assertEquals(401, loginStatus(name, NEW_PASSWORD));
        as(session).get("/api/v1/users?q=" + name).then().statusCode(200).header("X-Total-Count", "0");

        // granting a role, disabling, changing another's password or email, deleting
        sessionRequired(json(as(pat), Map.of("roles", List.of("admin", "deploy")))
                .patch("/api/v1/users/" + other.id())
                .then());
        sessionRequired(json(as(pat), Map.of("disabled", true))
                .patch("/api/v1/users/" + other.id())
                .then());
        sessionRequired(json(as(pat), Map.of("password", NEW_PASSWORD))
                .patch("/api/v1/users/" + other.id())
                .then());
        sessionRequired(json(as(pat), Map.of("email", "attacker@example.com"))
                .patch("/api/v1/users/" + other.id())
                .then());
        sessionRequired(as(pat).delete("/api/v1/users/" + other.id()).then());
        as(session)
                .get("/api/v1/users/" + other.id())
                .then()
                .statusCode(200)
                .body("roles", contains("deploy"))
                .body("disabled", equalTo(false))
                .body("email", nullValue());
        org.junit.jupiter.api.Assertions.assertEquals(200, loginStatus(other.username(), Api.PASSWORD));
        as(othersSession).get("/api/v1/me").then().statusCode(200);

        // its owner's own notice address
        sessionRequired(json(as(pat), Map.of("email", "attacker@example.com"))
                .patch("/api/v1/me/notices")
                .then());
        as(session).get("/api/v1/me/notices").then().statusCode(200).body("email", nullValue());

        // ending every session (a stolen token could keep every admin signed out)
        sessionRequired(as(pat).post("/api/v1/admin/sessions/revoke-all").then());
        as(othersSession).get("/api/v1/me").then().statusCode(200);
        as(session).get("/api/v1/me").then().statusCode(200);
    }

    @Test
    void anAdminTokenStillReadsWhatAnAdminReads() {
        Api.TestUser owner = Api.aUser("admin");
        String pat = Api.aToken(owner.session(), Map.of("scopes", ADMIN_TOKEN)).value();
        as(pat).get("/api/v1/users").then().statusCode(200);
        as(pat).get("/api/v1/users/" + owner.id()).then().statusCode(200).body("username", equalTo(owner.username()));
        as(pat).get("/api/v1/admin/tokens").then().statusCode(200);
        as(pat).get("/api/v1/admin/keys").then().statusCode(200);
        as(pat).get("/api/v1/audit").then().statusCode(200);
        as(pat).get("/api/v1/me").then().statusCode(200).body("authMethod", equalTo("pat"));
        as(pat).get("/api/v1/me/notices").then().statusCode(200);
    }

    @Test
    void aSessionStillMakesEveryAccountWrite() {
        Api.TestUser owner = Api.aUser("admin");
        String session = owner.session();

        String name = "made-" + UUID.randomUUID().toString().substring(0, 8);
        String id = json(as(session), Map.of("username", name, "password", Api.PASSWORD, "roles", List.of("deploy")))
                .post("/api/v1/users")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        json(as(session), Map.of("roles", List.of("deploy", "devices:read"), "email", "made@example.com"))
                .patch("/api/v1/users/" + id)
                .then()
                .statusCode(200)
                .body("roles", contains("deploy", "devices:read"));
        json(as(session), Map.of("password", NEW_PASSWORD))
                .patch("/api/v1/users/" + id)
                .then()
                .statusCode(200);
        org.junit.jupiter.api.Assertions.assertEquals(200, loginStatus(name, NEW_PASSWORD));
        json(as(session), Map.of("disabled", true))
                .patch("/api/v1/users/" + id)
                .then()
                .statusCode(200)
                .body("disabled", equalTo(true));
        as(session).delete("/api/v1/users/" + id).then().statusCode(204);

        json(as(session), Map.of("email", "owner@example.com"))
                .patch("/api/v1/me/notices")
                .then()
                .statusCode(200)
                .body("email", equalTo("owner@example.com"));
        json(as(session), Map.of("currentPassword", Api.PASSWORD, "newPassword", NEW_PASSWORD))
                .post("/api/v1/me/password")
                .then()
                .statusCode(204);
        org.junit.jupiter.api.Assertions.assertEquals(200, loginStatus(owner.username(), NEW_PASSWORD));
    }

    @Test
    void aNonAdminTokenIsStillJustForbiddenAndNoCredentialStill401() {
        Api.TestUser plain = Api.aUser("deploy");
        String pat = Api.aToken(plain.session(), Map.of("scopes", List.of("deploy", "tokens")))
                .value();
        isProblem(
                json(as(pat), Map.of("username", "x-" + System.nanoTime(), "password", Api.PASSWORD))
                        .post("/api/v1/users")
                        .then(),
                403);
        isProblem(
                json(given(), Map.of("password", NEW_PASSWORD))
                        .patch("/api/v1/users/" + plain.id())
                        .then(),
                401);
        isProblem(
                json(given(), Map.of("email", "x@example.com"))
                        .patch("/api/v1/me/notices")
                        .then(),
                401);
        isProblem(
                as("not-a-token")
                        .contentType(ContentType.JSON)
                        .body(Map.of("email", "x@example.com"))
                        .patch("/api/v1/me/notices")
                        .then(),
                401);
    }

    @Test
    void theOpenApiDescriptionNamesTheRefusalOnEachWrite() {
        JsonPath spec = JsonPath.from(given().queryParam("format", "json")
                .get("/q/openapi")
                .then()
                .statusCode(200)
                .extract()
                .asString());
        org.hamcrest.MatcherAssert.assertThat(
                spec.getString("components.examples.SessionRequired.value.type"),
                equalTo("urn:patgate:problem:session-required"));
        for (String operation : List.of(
                "'/api/v1/users'.post",
                "'/api/v1/users/{id}'.patch",
                "'/api/v1/users/{id}'.delete",
                "'/api/v1/me/password'.post",
                "'/api/v1/me/notices'.patch",
                "'/api/v1/admin/sessions/revoke-all'.post")) {
            org.hamcrest.MatcherAssert.assertThat(
                    operation,
                    spec.getString("paths." + operation
                            + ".responses.'403'.content.'application/problem+json'.examples.'session-required'.'$ref'"),
                    endsWith("/SessionRequired"));
        }
    }
}
