package io.patgate.account;

import static io.patgate.support.Api.isProblem;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.patgate.support.Api;
import io.patgate.support.SsoClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@code PATGATE_LOGIN_PASSWORDS=false}: people sign in through the provider only, the break-glass account with its
 * password. A profile of its own: the setting is read at start (one restart, for this class alone).
 */
@QuarkusTest
@TestProfile(PasswordsOffTest.Profile.class)
class PasswordsOffTest {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("patgate.login.passwords", "false");
        }
    }

    @Test
    void passwordSignInIsRefusedWithASentenceNamingTheProvider() {
        // made while passwords were on elsewhere: the API still makes password accounts; they just cannot sign in with
        // it now
        isProblem(
                        given().contentType(ContentType.JSON)
                                .body(Map.of("username", "someone", "password", "whatever"))
                                .post("/api/v1/auth/login")
                                .then(),
                        403)
                .body(
                        "detail",
                        equalTo("Password sign-in is turned off on this patgate: sign in with Mock SSO instead"));
        given().get("/api/v1/auth/oidc")
                .then()
                .statusCode(200)
                .body("passwords", equalTo(false))
                .body("sso", equalTo(true));
    }

    @Test
    void theBreakGlassAdminStillSignsInWithItsPassword() {
        String session = Api.adminSession();
        Api.as(session).get("/api/v1/me").then().statusCode(200).body("username", equalTo("admin"));
        // a wrong password is still just a wrong password
        isProblem(
                given().contentType(ContentType.JSON)
                        .body(Map.of("username", "ADMIN", "password", "wrong"))
                        .post("/api/v1/auth/login")
                        .then(),
                401);
    }

    @Test
    void singleSignOnStillWorks() {
        String name = "sso-" + UUID.randomUUID().toString().substring(0, 8);
        String code = SsoClient.handoff(new SsoClient().signIn(name, List.of("deploy")));
        assertNotNull(code);
        given().contentType(ContentType.JSON)
                .body(Map.of("code", code))
                .post("/api/v1/auth/oidc/session")
                .then()
                .statusCode(200)
                .body("token", containsString("."));
    }
}
