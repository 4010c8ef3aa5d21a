package io.patgate.notice;

import static io.patgate.support.Api.as;
import static io.patgate.support.Eventually.eventually;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.patgate.support.Api;
import io.patgate.support.Receiver;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Security review, issue 25, finding 5: each webhook is sent to on its own, so a receiver that never answers in time
 * holds up nobody else, and one that keeps failing has its circuit breaker opened for a cool-down (its deliveries wait,
 * none is lost), then closed by the first success. With a timeout of the production one's order of magnitude (15 s here), so a
 * shared round would show as 15 s of delay, where a lane of its own answers within the polls' second or two (the bound
 * is 6 s: 4 s was reached by the polls and a busy event loop alone, about once in ten full runs).
 */
@QuarkusTest
@TestProfile(WebhookLanesTest.SlowReceivers.class)
class WebhookLanesTest {

    public static class SlowReceivers implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("patgate.webhooks.timeout", "15S", "patgate.webhooks.breaker-cool-down", "6S");
        }
    }

    private final List<String> hooks = new ArrayList<>();

    private String hook(Receiver receiver, String path) {
        String id = as(Api.adminSession())
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "url",
                        receiver.url(path),
                        "secret",
                        "lanes-secret-long-enough",
                        "events",
                        List.of("token.revoked")))
                .post("/api/v1/admin/webhooks")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        hooks.add(id);
        return id;
    }

    private void deleteHooks() {
        hooks.forEach(id -> as(Api.adminSession()).delete("/api/v1/admin/webhooks/" + id));
        hooks.clear();
    }

    @Test
    void aReceiverThatNeverAnswersInTimeDoesNotHoldUpAnotherWebhook() throws Exception {
        try (Receiver slow = new Receiver();
                Receiver fast = new Receiver()) {
            slow.otherwiseAnswerAfter(20_000, 204); // past the 15 s timeout, every time
            hook(slow, "/slow");
            hook(fast, "/fast");
            try {
                Api.TestUser zoe = Api.aUser();
                String session = zoe.session();
                Api.Issued first = Api.aToken(session, Map.of());
                Api.Issued second = Api.aToken(session, Map.of());
                as(session).delete("/api/v1/tokens/" + first.id()).then().statusCode(204);
                eventually(Duration.ofSeconds(10), () -> {
                    assertEquals(1, slow.about(first.id()).size(), "the slow receiver has it, and sits on it");
                    assertEquals(1, fast.about(first.id()).size());
                });

                // while the slow one sits on its request, the fast one gets the next notice within the usual second or
                // two
                long revoked = System.nanoTime();
                as(session).delete("/api/v1/tokens/" + second.id()).then().statusCode(204);
                eventually(
                        Duration.ofSeconds(15),
                        () -> assertEquals(1, fast.about(second.id()).size()));
                Duration took = Duration.ofNanos(System.nanoTime() - revoked);
                assertTrue(
                        took.compareTo(Duration.ofSeconds(6)) < 0,
                        "the fast webhook waited " + took.toMillis() + " ms");
            } finally {
                deleteHooks();
            }
        }
    }

    @Test
    void aFailingWebhooksBreakerOpensItsDeliveriesWaitAndItClosesAgain() throws Exception {
        try (Receiver receiver = new Receiver()) {
            receiver.otherwiseAnswerAfter(0, 500); // down, until the test brings it back
            String hookId = hook(receiver, "/failing");
            String admin = Api.adminSession();
            try {
                Api.TestUser ada = Api.aUser();
                String session = ada.session();
                List<Api.Issued> tokens = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    tokens.add(Api.aToken(session, Map.of()));
                }
                for (Api.Issued t : tokens.subList(0, 5)) {
                    as(admin).delete("/api/v1/tokens/" + t.id()).then().statusCode(204);
                }
                // five failures in a row (the default): open, for the cool-down (6 s here)
                eventually(
                        Duration.ofSeconds(15),
                        () -> as(admin)
                                .get("/api/v1/admin/webhooks/" + hookId)
                                .then()
                                .statusCode(200)
                                .body("breaker.state", equalTo("open"))
                                .body("breaker.consecutiveFailures", greaterThanOrEqualTo(5)));
                Thread.sleep(500); // attempts already under way when it opened end
                int seen = receiver.received().size();
                assertTrue(seen >= 5, "seen " + seen);
                as(admin).delete("/api/v1/tokens/" + tokens.get(5).id()).then().statusCode(204);
                JsonPath list = as(admin)
                        .get("/api/v1/admin/webhooks/" + hookId + "/deliveries")
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath();
                Instant openUntil = Instant.parse(as(admin)
                        .get("/api/v1/admin/webhooks/" + hookId)
                        .then()
                        .extract()
                        .path("breaker.openUntil"));
                for (int i = 0; i < list.getList("id").size(); i++) {
                    if ("pending".equals(list.getString("[" + i + "].state"))) {
                        assertTrue(
                                list.getBoolean("[" + i + "].heldByBreaker"), "the deliveries list says why they wait");
                        assertTrue(!Instant.parse(list.getString("[" + i + "].nextAttemptAt"))
                                .isBefore(openUntil));
                    }
                }
                // while open, nothing is tried (the 1 s retries would otherwise have come)
                Thread.sleep(
                        Math.max(0, Duration.between(Instant.now(), openUntil).toMillis() - 1000));
                assertTrue(Instant.now().isBefore(openUntil), "still within the cool-down");
                assertEquals(seen, receiver.received().size(), "nothing is sent while the breaker is open");
                receiver.otherwiseAnswerAfter(0, 204); // the receiver is back

                // then one is tried, it succeeds, the breaker closes and everything waiting goes: none was lost
                eventually(Duration.ofSeconds(20), () -> {
                    for (Api.Issued t : tokens) {
                        assertTrue(
                                receiver.about(t.id()).stream().anyMatch(r -> r.status() == 204),
                                "delivered: " + t.id());
                    }
                });
                eventually(
                        Duration.ofSeconds(5),
                        () -> as(admin)
                                .get("/api/v1/admin/webhooks/" + hookId)
                                .then()
                                .body("breaker.state", equalTo("closed"))
                                .body("breaker.consecutiveFailures", equalTo(0)));
                eventually(Duration.ofSeconds(5), () -> {
                    JsonPath after = as(admin)
                            .get("/api/v1/admin/webhooks/" + hookId + "/deliveries")
                            .then()
                            .extract()
                            .jsonPath();
                    assertTrue(after.getList("state").stream().allMatch("delivered"::equals), after.prettify());
                });
            } finally {
                deleteHooks();
            }
        }
    }
}
