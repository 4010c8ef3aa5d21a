package io.patgate.account;

import static io.patgate.support.Api.as;
import static io.patgate.support.Api.isProblem;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.*;

import io.patgate.support.Api;
import io.patgate.support.BehindAProxy;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * POST /api/v1/me/password. Behind the test proxy, so the failures each test provokes are counted against
 * an address of its own, never against the one the rest of the suite logs in from.
 */
@QuarkusTest
@TestProfile(BehindAProxy.class)
class PasswordChangeTest {

    private static ValidatableResponse change(String credential, String ip, Object body) {
        return as(credential)
                .header("X-Forwarded-For", ip)
                .contentType(ContentType.JSON)
                .body(body)
                .post("/api/v1/me/password")
                .then();
    }

    private static Map<String, String> body(String current, String next) {
        return Map.of("currentPassword", current, "newPassword", next);
    }

    @Test
    void theChangeEndsOtherSessionsKeepsThisOneAndEveryToken() {
        Api.TestUser ann = Api.aUser("deploy");
        String here = ann.session();
        String elsewhere = ann.session();
        Api.Issued token = Api.aToken(here, Map.of());

        change(here, "203.0.113.10", body(Api.PASSWORD, "a new and longer passphrase"))
                .statusCode(204);

        as(here).get("/api/v1/me").then().statusCode(200);
        isProblem(as(elsewhere).get("/api/v1/me").then(), 401);
        as(token.value()).get("/api/v1/me").then().statusCode(200);
        isProblem(
                given().contentType(ContentType.JSON)
                        .body(Map.of("username", ann.username(), "password", Api.PASSWORD))
                        .post("/api/v1/auth/login")
                        .then(),
                401);
        String fresh = Api.login(ann.username(), "a new and longer passphrase");
        as(fresh).get("/api/v1/me").then().statusCode(200);
        as(Api.adminSession())
                .get("/api/v1/audit?username=" + ann.username() + "&action=user.password-changed")
                .then()
                .statusCode(200)
                .header("X-Total-Count", "1")
                .body("[0].actor", equalTo(ann.username()))
                .body("[0].ip", equalTo("203.0.113.10"));
    }

    @Test
    void anAdminResetAfterwardsEndsTheSessionThatWasKept() {
        Api.TestUser ben = Api.aUser();
        String here = ben.session();
        change(here, "203.0.113.11", body(Api.PASSWORD, "a new and longer passphrase"))
                .statusCode(204);
        as(here).get("/api/v1/me").then().statusCode(200);
        as(Api.adminSession())
                .contentType(ContentType.JSON)
                .body(Map.of("password", "set by the admin"))
                .patch("/api/v1/users/" + ben.id())
                .then()
                .statusCode(200);
        isProblem(as(here).get("/api/v1/me").then(), 401);
    }

    @Test
    void aWrongCurrentPasswordIs403AndAudited() {
        Api.TestUser cat = Api.aUser();
        String session = cat.session();
        isProblem(change(session, "203.0.113.12", body("not the password", "a new and longer passphrase")), 403)
                .body("detail", equalTo("The current password is wrong"));
        Api.login(cat.username(), Api.PASSWORD);
        as(session).get("/api/v1/me").then().statusCode(200);
        as(Api.adminSession())
                .get("/api/v1/audit?username=" + cat.username() + "&action=user.password-change-failed")
                .then()
                .header("X-Total-Count", "1");
    }

    @Test
    void policyFailuresAre400NamingTheFieldAndChangeNothing() {
        Api.TestUser dan = Api.aUser();
        String session = dan.session();
        isProblem(change(session, "203.0.113.13", body(Api.PASSWORD, "short")), 400)
                .body("errors[0].field", equalTo("newPassword"))
                .body("errors[0].message", equalTo("must be at least 8 characters"));
        isProblem(change(session, "203.0.113.13", body(Api.PASSWORD, Api.PASSWORD)), 400)
                .body("errors[0].field", equalTo("newPassword"))
                .body("errors[0].message", equalTo("must differ from the current password"));
        isProblem(change(session, "203.0.113.13", Map.of("currentPassword", Api.PASSWORD)), 400)
                .body("errors.field", hasItem("newPassword"));
        Api.login(dan.username(), Api.PASSWORD);
    }

    @Test
    void aPersonalAccessTokenCanNeverChangeThePassword() {
        Api.TestUser eve = Api.aUser();
        Api.Issued manager = Api.aToken(eve.session(), Map.of("scopes", java.util.List.of("tokens")));
        isProblem(change(manager.value(), "203.0.113.14", body(Api.PASSWORD, "taken over by a token")), 403);
        // nor as Basic auth, where the token stands in for the password
        isProblem(
                given().auth()
                        .preemptive()
                        .basic(eve.username(), manager.value())
                        .header("X-Forwarded-For", "203.0.113.14")
                        .contentType(ContentType.JSON)
                        .body(body(Api.PASSWORD, "taken over by a token"))
                        .post("/api/v1/me/password")
                        .then(),
                403);
        Api.login(eve.username(), Api.PASSWORD);
        isProblem(
                given().contentType(ContentType.JSON)
                        .body(body(Api.PASSWORD, "no credential at all"))
                        .post("/api/v1/me/password")
                        .then(),
                401);
    }

    @Test
    void wrongCurrentPasswordsAreThrottledLikeLogins() {
        Api.TestUser fay = Api.aUser();
        String session = fay.session();
        for (int i = 0; i < 10; i++) {
            isProblem(change(session, "203.0.113.15", body("guess number " + i, "a new and longer passphrase")), 403);
        }
        isProblem(change(session, "203.0.113.15", body(Api.PASSWORD, "a new and longer passphrase")), 429)
                .header("Retry-After", matchesPattern("\\d+"));
        // the same counters as login: the username is locked for a login too
        isProblem(
                given().header("X-Forwarded-For", "203.0.113.16")
                        .contentType(ContentType.JSON)
                        .body(Map.of("username", fay.username(), "password", Api.PASSWORD))
                        .post("/api/v1/auth/login")
                        .then(),
                429);
    }
}
