package io.patgate.integration;

import static io.patgate.support.Api.as;
import static io.patgate.support.Api.isProblem;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.*;

import io.patgate.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class VerifyTest {

    @Test
    void aGoodTokenIsAnsweredWithWhoItIs() {
        Api.TestUser user = Api.aUser("deploy", "devices:read");
        Api.Issued token = Api.aToken(user.session(), Map.of("scopes", List.of("deploy", "devices:read")));
        as(token.value())
                .get("/auth/verify")
                .then()
                .statusCode(200)
                .header("X-Auth-User", user.username())
                .header("X-Auth-User-Id", user.id())
                .header("X-Auth-Scopes", "deploy,devices:read")
                .header("X-Auth-Token-Id", token.id())
                .header("Cache-Control", "no-store");
    }

    @Test
    void requiredScopesAreChecked() {
        String session = Api.aUser("deploy", "devices:read").session();
        Api.Issued token = Api.aToken(session, Map.of("scopes", List.of("deploy")));
        as(token.value()).get("/auth/verify?scope=deploy").then().statusCode(200);
        isProblem(
                        as(token.value())
                                .get("/auth/verify?scope=deploy&scope=devices:read")
                                .then(),
                        403)
                .body("detail", containsString("'devices:read'"));
        isProblem(as(token.value()).get("/auth/verify?scope=admin").then(), 403)
                .body("detail", containsString("'admin'"));
    }

    @Test
    void envoyStylePathsMethodsAndHeaderScopesWork() {
        String session = Api.aUser("deploy").session();
        Api.Issued token = Api.aToken(session, Map.of());
        // ext_authz appends the original path and keeps the original method
        as(token.value())
                .post("/auth/verify/orders/42?x=1")
                .then()
                .statusCode(200)
                .header("X-Auth-Token-Id", token.id());
        as(token.value())
                .header("X-Auth-Require-Scope", "deploy")
                .get("/auth/verify/deploy")
                .then()
                .statusCode(200);
        isProblem(
                        as(token.value())
                                .header("X-Auth-Require-Scope", "deploy, admin")
                                .get("/auth/verify/deploy")
                                .then(),
                        403)
                .body("detail", containsString("'admin'"));
    }

    @Test
    void badOrMissingCredentialsAre401WithAChallenge() {
        isProblem(given().get("/auth/verify").then(), 401)
                .header("WWW-Authenticate", equalTo("Bearer error=\"invalid_token\""));
        isProblem(as("nonsense").get("/auth/verify").then(), 401)
                .header("WWW-Authenticate", equalTo("Bearer error=\"invalid_token\""))
                .header("X-Request-Id", org.hamcrest.Matchers.matchesPattern("[0-9a-f-]{36}"));
        // a gateway's own request id carries through, into the problem too
        isProblem(
                        as("nonsense")
                                .header("X-Request-Id", "edge-5c2e9a41")
                                .get("/auth/verify")
                                .then(),
                        401)
                .header("X-Request-Id", "edge-5c2e9a41")
                .body("requestId", equalTo("edge-5c2e9a41"));
    }

    @Test
    void sessionsAreGoodTooButCarryNoTokenId() {
        Api.TestUser user = Api.aUser("deploy");
        as(user.session())
                .get("/auth/verify")
                .then()
                .statusCode(200)
                .header("X-Auth-User", user.username())
                .header("X-Auth-Scopes", "deploy")
                .header("X-Auth-Token-Id", nullValue());
    }
}
