package io.patgate.account;

import static io.patgate.support.Api.as;
import static io.patgate.support.Api.isProblem;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.*;

import io.patgate.identity.KeyRing;
import io.patgate.identity.TokenSigner;
import io.patgate.support.Api;
import io.patgate.support.Forge;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.junit.jupiter.api.Test;

@QuarkusTest
class SessionsTest {

    @Inject
    KeyRing keys;

    @Test
    void logoutEndsThatSessionAtOnceAndNoOther() {
        Api.TestUser user = Api.aUser("deploy");
        String first = user.session();
        String second = user.session();
        as(first).post("/api/v1/auth/logout").then().statusCode(204);
        isProblem(as(first).get("/api/v1/me").then(), 401)
                .header("WWW-Authenticate", equalTo("Bearer error=\"invalid_token\""));
        as(second).get("/api/v1/me").then().statusCode(200);
        // logging out twice is harmless, but the dead session cannot do it
        isProblem(as(first).post("/api/v1/auth/logout").then(), 401);
    }

    @Test
    void disablingAUserEndsTheirSessionsAndLogins() {
        Api.TestUser user = Api.aUser("deploy");
        String session = user.session();
        as(Api.adminSession())
                .contentType(ContentType.JSON)
                .body(Map.of("disabled", true))
                .patch("/api/v1/users/" + user.id())
                .then()
                .statusCode(200)
                .body("disabled", equalTo(true));
        isProblem(as(session).get("/api/v1/me").then(), 401);
        isProblem(
                given().contentType(ContentType.JSON)
                        .body(Map.of("username", user.username(), "password", Api.PASSWORD))
                        .post("/api/v1/auth/login")
                        .then(),
                401);
        // enabled again: sessions from before stay dead (a thief's among them); a new login works
        as(Api.adminSession())
                .contentType(ContentType.JSON)
                .body(Map.of("disabled", false))
                .patch("/api/v1/users/" + user.id())
                .then()
                .statusCode(200);
        isProblem(as(session).get("/api/v1/me").then(), 401);
        as(user.session()).get("/api/v1/me").then().statusCode(200);
    }

    @Test
    void changingThePasswordEndsEverySessionOpenUntilThen() {
        Api.TestUser user = Api.aUser();
        String before = user.session();
        String newPassword = "a completely new password";
        as(Api.adminSession())
                .contentType(ContentType.JSON)
                .body(Map.of("password", newPassword))
                .patch("/api/v1/users/" + user.id())
                .then()
                .statusCode(200);
        isProblem(as(before).get("/api/v1/me").then(), 401);
        as(Api.login(user.username(), newPassword)).get("/api/v1/me").then().statusCode(200);
    }

    @Test
    void deletingAUserEndsTheirSessions() {
        Api.TestUser user = Api.aUser();
        String session = user.session();
        as(Api.adminSession()).delete("/api/v1/users/" + user.id()).then().statusCode(204);
        isProblem(as(session).get("/api/v1/me").then(), 401);
    }

    @Test
    void demotingAnAdminTakesEffectOnTheNextRequest() {
        Api.TestUser user = Api.aUser("admin");
        String session = user.session();
        as(session).get("/api/v1/users").then().statusCode(200);
        as(Api.adminSession())
                .contentType(ContentType.JSON)
                .body(Map.of("roles", List.of("deploy")))
                .patch("/api/v1/users/" + user.id())
                .then()
                .statusCode(200);
        isProblem(as(session).get("/api/v1/users").then(), 403);
        as(session).get("/api/v1/me").then().statusCode(200).body("roles", contains("deploy"));
    }

    @Test
    void missingOrGarbageCredentialsAre401Problems() {
        isProblem(given().get("/api/v1/me").then(), 401)
                .header("WWW-Authenticate", equalTo("Bearer error=\"invalid_token\""));
        isProblem(as("garbage").get("/api/v1/me").then(), 401);
        isProblem(as("a.b.c").get("/api/v1/me").then(), 401);
        isProblem(given().header("Authorization", "Bearer").get("/api/v1/me").then(), 401);
        isProblem(
                given().header("Authorization", "Digest username=\"admin\"")
                        .get("/api/v1/me")
                        .then(),
                401);
        isProblem(
                given().header("Authorization", "Bearer " + "x".repeat(6_000))
                        .get("/api/v1/me")
                        .then(),
                401);
        // past the header limit the HTTP layer refuses the request before it is parsed, without a stack trace
        given().header("Authorization", "Bearer " + "x".repeat(40_000))
                .get("/api/v1/me")
                .then()
                .statusCode(431)
                .body(not(containsString("Exception")));
    }

    @Test
    void aPasswordIsNeverAcceptedAsBasicAuth() {
        isProblem(
                given().auth()
                        .preemptive()
                        .basic("admin", Api.ADMIN_PASSWORD)
                        .get("/api/v1/me")
                        .then(),
                401);
        // nor a session token in the password's place: Basic carries personal access tokens only
        isProblem(
                given().auth()
                        .preemptive()
                        .basic("admin", Api.adminSession())
                        .get("/api/v1/me")
                        .then(),
                401);
        isProblem(
                given().header("Authorization", "Basic !!!not-base64")
                        .get("/api/v1/me")
                        .then(),
                401);
    }

    @Test
    void forgedSessionTokensAreRefused() {
        String adminId =
                as(Api.adminSession()).get("/api/v1/me").then().extract().path("id");
        String kid = keys.activeKid();
        String jwks =
                given().get("/.well-known/jwks.json").then().extract().body().asString();
        String publicJwk = jwks.substring(jwks.indexOf('{', 1), jwks.lastIndexOf('}', jwks.length() - 3) + 1);
        String type = TokenSigner.SESSION_TYPE;
        List<String> forged = List.of(
                Forge.unsigned(adminId, kid, type),
                Forge.foreignKey(adminId, kid, type),
                Forge.hmacWithPublicKey(adminId, kid, type, publicJwk),
                Forge.hmacWithPublicKey(adminId, kid, type, jwks),
                Forge.sign(
                        Forge.claims(adminId, 3600),
                        AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256,
                        keys.signingKey(),
                        "unknown-kid",
                        type),
                // signed with our real key, but wrong in what it says about itself
                Forge.sign(
                        Forge.claims(adminId, -120),
                        AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256,
                        keys.signingKey(),
                        kid,
                        type),
                Forge.sign(
                        Forge.claims(adminId, 3600),
                        AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256,
                        keys.signingKey(),
                        kid,
                        null),
                Forge.sign(
                        Forge.claims(adminId, 3600),
                        AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256,
                        keys.signingKey(),
                        kid,
                        "JWT"),
                Forge.sign(
                        Forge.claims(adminId, 3600),
                        AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256,
                        keys.signingKey(),
                        kid,
                        "at+jwt"));
        for (String token : forged) {
            isProblem(as(token).get("/api/v1/me").then(), 401);
        }
        var wrongIssuer = Forge.claims(adminId, 3600);
        wrongIssuer.setIssuer("someone-else");
        isProblem(
                as(Forge.sign(
                                wrongIssuer,
                                AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256,
                                keys.signingKey(),
                                kid,
                                type))
                        .get("/api/v1/me")
                        .then(),
                401);
    }

    @Test
    void aTamperedSessionCannotBecomeSomeoneElse() {
        Api.TestUser user = Api.aUser();
        String adminId =
                as(Api.adminSession()).get("/api/v1/me").then().extract().path("id");
        String tampered = Forge.tamperedPayload(user.session(), "sub", adminId);
        isProblem(as(tampered).get("/api/v1/me").then(), 401);
        isProblem(as(tampered).get("/api/v1/users").then(), 401);
    }

    @Test
    void sessionTokensCarryTheirTypeAndKeyIdButNoSecrets() {
        String token = Api.adminSession();
        String header = new String(Base64.getUrlDecoder().decode(token.split("\\.")[0]), StandardCharsets.UTF_8);
        String payload = new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
        org.hamcrest.MatcherAssert.assertThat(
                header,
                allOf(
                        containsString("\"alg\":\"ES256\""),
                        containsString("\"typ\":\"session+jwt\""),
                        containsString("\"kid\":\"" + keys.activeKid() + "\"")));
        org.hamcrest.MatcherAssert.assertThat(payload, not(containsString("password")));
    }
}
