package io.patgate.notice;

import io.patgate.support.Api;
import io.patgate.support.Receiver;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.patgate.support.Api.as;
import static io.patgate.support.Api.isProblem;
import static io.patgate.support.Eventually.eventually;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The request-forgery guard as production has it ({@code allow-local-network} off): no hook can be pointed at
 * loopback, link-local, private or other local addresses, however written, and a hook whose name resolves to one
 * later (DNS rebinding, here a changed row) is refused again at send time, before anything is sent.
 */
@QuarkusTest
@TestProfile(WebhookTargetsTest.LocalNetworkRefused.class)
class WebhookTargetsTest {

    public static class LocalNetworkRefused implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("patgate.webhooks.allow-local-network", "false");
        }
    }

    @Inject
    Pool pool;

    private static io.restassured.response.ValidatableResponse create(String url) {
        return as(Api.adminSession()).contentType(ContentType.JSON)
                .body(Map.of("url", url, "secret", "targets-secret-long-enough", "events", List.of("token.revoked")))
                .post("/api/v1/admin/webhooks").then();
    }

    @Test
    void localTargetsAreRefusedHoweverTheyAreWritten() {
        for (String url : List.of("http://127.0.0.1:8081/x", "http://localhost/x", "http://LOCALHOST./x", "http://[::1]/x", "http://0.0.0.0/x",
                "http://169.254.169.254/latest/meta-data/", "http://10.1.2.3/x", "http://172.16.0.1/x", "http://192.168.1.1/x",
                "http://100.64.0.1/x", "http://[::ffff:127.0.0.1]/x", "http://[fd00::1]/x", "http://[fe80::1]/x", "http://2130706433/x",
                "http://0x7f000001/x", "http://127.1/x",
                // IPv6 forms that reach an IPv4 address through a translator or relay: SIIT, 6to4 (of 10.0.0.1), Teredo
                "http://[::ffff:0:a00:1]/x", "http://[2002:a00:1::1]/x", "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/x")) {
            isProblem(create(url), 400).body("errors[0].field", equalTo("url"));
        }
        isProblem(create("http://127.0.0.1/x"), 400).body("detail", containsString("patgate.webhooks.allow-local-network=true"));
        // a public address is fine (nothing is sent until there is a notice)
        String id = create("https://93.184.216.34/hook").statusCode(201).extract().path("id");
        as(Api.adminSession()).delete("/api/v1/admin/webhooks/" + id).then().statusCode(204);
    }

    @Test
    void aTargetThatTurnsLocalIsRefusedAgainBeforeSending() throws Exception {
        try (Receiver receiver = new Receiver()) {
            String id = create("https://93.184.216.34/hook").statusCode(201).extract().path("id");
            try {
                pool.preparedQuery("update webhook set url = $2 where id = $1").execute(Tuple.of(UUID.fromString(id), receiver.url("/rebound")))
                        .await().atMost(Duration.ofSeconds(5));
                Api.TestUser jay = Api.aUser();
                Api.Issued token = Api.aToken(jay.session(), Map.of());
                as(jay.session()).delete("/api/v1/tokens/" + token.id()).then().statusCode(204);
                eventually(Duration.ofSeconds(10), () -> {
                    JsonPath list = as(Api.adminSession()).get("/api/v1/admin/webhooks/" + id + "/deliveries").then().statusCode(200).extract().jsonPath();
                    assertTrue(list.getString("[0].error").contains("resolves to 127.0.0.1"), list.prettify());
                });
                assertTrue(receiver.received().isEmpty(), "nothing was sent to the local address");
            } finally {
                as(Api.adminSession()).delete("/api/v1/admin/webhooks/" + id).then().statusCode(204);
            }
        }
    }
}
