package io.patgate.web;

import static io.patgate.support.Api.as;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.patgate.support.Api;
import io.patgate.support.BehindAProxy;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Behind proxies that write X-Forwarded-For: every line counts, read from the right. */
@QuarkusTest
@TestProfile(BehindAProxy.class)
class ForwardedForTest {

    @Test
    void aProxyThatAppendsItsOwnLineNamesTheClientNotTheClientsFirstLine() {
        Api.TestUser user = Api.aUser();
        Api.Issued token = Api.aToken(user.session(), Map.of());
        given().header("Authorization", "Bearer " + token.value())
                .header("X-Forwarded-For", "6.6.6.6") // the client's own, passed through
                .header("X-Forwarded-For", "198.51.100.31") // appended by HAProxy (option forwardfor)
                .header("Forwarded", "for=7.7.7.7") // not the configured header: ignored
                .get("/api/v1/me")
                .then()
                .statusCode(200);
        as(user.session()).get("/api/v1/tokens/" + token.id()).then().body("lastUsedIp", equalTo("198.51.100.31"));
    }
}
