package io.patgate.account;

import static io.patgate.support.Api.as;
import static io.patgate.support.Api.isProblem;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.*;

import io.patgate.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class AccountsTest {

    @Test
    void adminLogsInAndSeesItself() {
        String session = Api.adminSession();
        as(session)
                .get("/api/v1/me")
                .then()
                .statusCode(200)
                .body("username", equalTo("admin"))
                .body("roles", contains("admin"))
                .body("authMethod", equalTo("session"))
                .body("$", not(hasKey("tokenId")));
    }

    @Test
    void loginAnswersTokenAndExpiry() {
        given().contentType(ContentType.JSON)
                .body(Map.of("username", "admin", "password", Api.ADMIN_PASSWORD))
                .post("/api/v1/auth/login")
                .then()
                .statusCode(200)
                .body("token", matchesPattern("^[\\w-]+\\.[\\w-]+\\.[\\w-]+$"))
                .body("expiresAt", matchesPattern("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ$"));
    }

    @Test
    void wrongPasswordAndUnknownUserGetTheSame401() {
        var wrong = isProblem(
                        given().contentType(ContentType.JSON)
                                .body(Map.of("username", "admin", "password", "nope-nope-nope"))
                                .post("/api/v1/auth/login")
                                .then(),
                        401)
                .header("WWW-Authenticate", equalTo("Bearer error=\"invalid_token\""))
                .extract()
                .body()
                .asString();
        var unknown = isProblem(
                        given().contentType(ContentType.JSON)
                                .body(Map.of("username", "nobody-here", "password", "nope-nope-nope"))
                                .post("/api/v1/auth/login")
                                .then(),
                        401)
                .extract()
                .body()
                .asString();
        // the same answer, word for word; only the id of each request differs
        String requestId = "\"requestId\":\"[^\"]+\"";
        org.junit.jupiter.api.Assertions.assertTrue(
                wrong.matches(".*" + requestId + ".*") && unknown.matches(".*" + requestId + ".*"));
        org.junit.jupiter.api.Assertions.assertEquals(
                wrong.replaceAll(requestId, ""), unknown.replaceAll(requestId, ""));
    }

    @Test
    void adminCreatesUserWhoCanLogIn() {
        String session = Api.adminSession();
        var created = as(session)
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "username",
                        "carol-" + System.nanoTime(),
                        "password",
                        Api.PASSWORD,
                        "roles",
                        List.of("deploy", "devices:read")))
                .post("/api/v1/users")
                .then()
                .statusCode(201)
                .header("Location", containsString("/api/v1/users/"))
                .body("id", notNullValue())
                .body("roles", contains("deploy", "devices:read"))
                .body("disabled", equalTo(false))
                .body("createdAt", notNullValue())
                .body("$", not(hasKey("password")))
                .body("$", not(hasKey("passwordHash")))
                .extract();
        String name = created.path("username");
        String userSession = Api.login(name, Api.PASSWORD);
        as(userSession)
                .get("/api/v1/me")
                .then()
                .statusCode(200)
                .body("username", equalTo(name))
                .body("roles", containsInAnyOrder("deploy", "devices:read"));
    }
}
