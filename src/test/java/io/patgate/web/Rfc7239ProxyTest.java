package io.patgate.web;

import io.patgate.support.Api;
import io.patgate.support.BehindAnRfc7239Proxy;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.patgate.support.Api.as;
import static io.patgate.support.Api.isProblem;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

/** Behind a proxy that writes only RFC 7239 Forwarded: each client is itself, not the proxy. */
@QuarkusTest
@TestProfile(BehindAnRfc7239Proxy.class)
class Rfc7239ProxyTest {

    private static io.restassured.response.ValidatableResponse login(String forwarded, String username, String password) {
        return given().header("Forwarded", forwarded).contentType(ContentType.JSON)
                .body(Map.of("username", username, "password", password)).post("/api/v1/auth/login").then();
    }

    @Test
    void failedLoginsOfOneClientDoNotLockOutTheOthers() {
        Api.TestUser user = Api.aUser();
        for (int i = 0; i < 10; i++) {
            isProblem(login("for=192.0.2.77;proto=https", "nobody-" + i, "wrong password"), 401);
        }
        isProblem(login("for=192.0.2.77", user.username(), Api.PASSWORD), 429);
        // another client behind the same proxy, IPv6 with a port, quoted as RFC 7239 wants
        login("for=\"[2001:db8::5]:4711\";proto=https", user.username(), Api.PASSWORD).statusCode(200);
    }

    @Test
    void theClientIsTheRightmostAddressNotOneOfOurProxiesAcrossEveryLine() {
        Api.TestUser user = Api.aUser();
        Api.Issued token = Api.aToken(user.session(), Map.of());
        given().header("Authorization", "Bearer " + token.value())
                .header("Forwarded", "for=6.6.6.6")                       // what the client wrote itself
                .header("Forwarded", "for=198.51.100.23, for=127.0.0.1")  // what the proxies appended
                .header("X-Forwarded-For", "7.7.7.7")                     // ignored: not the configured header
                .get("/api/v1/me").then().statusCode(200);
        as(user.session()).get("/api/v1/tokens/" + token.id()).then().body("lastUsedIp", equalTo("198.51.100.23"));
    }

    @Test
    void anIPv6ClientIsRecordedAsPeopleWriteIt() {
        Api.TestUser user = Api.aUser();
        Api.Issued token = Api.aToken(user.session(), Map.of());
        given().header("Authorization", "Bearer " + token.value()).header("Forwarded", "for=\"[2001:DB8:0:0:0:0:0:5]:4711\"")
                .get("/api/v1/me").then().statusCode(200);
        as(user.session()).get("/api/v1/tokens/" + token.id()).then().body("lastUsedIp", equalTo("2001:db8::5"));
    }
}
