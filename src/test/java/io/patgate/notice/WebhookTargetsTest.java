package io.patgate.notice;

import static io.patgate.support.Api.as;
import static io.patgate.support.Api.isProblem;
import static io.patgate.support.Eventually.eventually;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.patgate.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The request-forgery guard inside the application: a hook is refused when it is saved, and a hook whose name
 * resolves to a refused address later (DNS rebinding, here a changed row) is refused again at send time, before
 * anything is sent. The tests' configuration lets hooks reach this machine (they receive on 127.0.0.1) but denies
 * {@code 127.0.0.2/32} ({@code %test.patgate.webhooks.deny-networks}), the refused address these tests use; every
 * local range and spelling is refused in {@code TargetGuardTest}, as production has it (plain JUnit).
 */
@QuarkusTest
class WebhookTargetsTest {

    @Inject
    Pool pool;

    private static io.restassured.response.ValidatableResponse create(String url) {
        return as(Api.adminSession())
                .contentType(ContentType.JSON)
                .body(Map.of("url", url, "secret", "targets-secret-long-enough", "events", List.of("token.revoked")))
                .post("/api/v1/admin/webhooks")
                .then();
    }

    @Test
    void aRefusedTargetIsA400NamingTheFieldAndTheSetting() {
        isProblem(create("http://127.0.0.2:8081/x"), 400)
                .body("errors[0].field", equalTo("url"))
                .body(
                        "detail",
                        containsString("resolves to 127.0.0.2, in 127.0.0.2/32 of patgate.webhooks.deny-networks"));
        // a public address is fine (nothing is sent until there is a notice)
        String id =
                create("https://93.184.216.34/hook").statusCode(201).extract().path("id");
        as(Api.adminSession()).delete("/api/v1/admin/webhooks/" + id).then().statusCode(204);
    }

    @Test
    void aTargetThatTurnsRefusedIsRefusedAgainBeforeSending() throws Exception {
        AtomicInteger received = new AtomicInteger();
        HttpServer refused = HttpServer.create(new InetSocketAddress("127.0.0.2", 0), 10);
        refused.createContext("/", exchange -> {
            received.incrementAndGet();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        refused.start();
        String id =
                create("https://93.184.216.34/hook").statusCode(201).extract().path("id");
        try {
            String rebound = "http://127.0.0.2:" + refused.getAddress().getPort() + "/rebound";
            pool.preparedQuery("update webhook set url = $2 where id = $1")
                    .execute(Tuple.of(UUID.fromString(id), rebound))
                    .await()
                    .atMost(Duration.ofSeconds(5));
            Api.TestUser jay = Api.aUser();
            Api.Issued token = Api.aToken(jay.session(), Map.of());
            as(jay.session()).delete("/api/v1/tokens/" + token.id()).then().statusCode(204);
            eventually(Duration.ofSeconds(10), () -> {
                JsonPath list = as(Api.adminSession())
                        .get("/api/v1/admin/webhooks/" + id + "/deliveries")
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath();
                assertTrue(list.getString("[0].error").contains("resolves to 127.0.0.2"), list.prettify());
            });
            assertEquals(0, received.get(), "nothing was sent to the refused address");
        } finally {
            as(Api.adminSession()).delete("/api/v1/admin/webhooks/" + id).then().statusCode(204);
            refused.stop(0);
        }
    }
}
