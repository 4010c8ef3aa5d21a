package io.patgate.notice;

import static io.patgate.support.Api.as;
import static io.patgate.support.Api.isProblem;
import static io.patgate.support.Eventually.eventually;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.patgate.store.NoticeStore;
import io.patgate.support.Api;
import io.patgate.support.Receiver;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Webhooks against a real receiver on this machine (the test profile allows local targets; {@code TargetGuardTest}
 * checks the guard that refuses them): each notice is delivered once, signed, retried after a 500 and after a timeout,
 * never followed through a redirect, and can be redelivered by an admin.
 */
@QuarkusTest
class WebhooksTest {

    private static final String SECRET = "a-webhook-secret-long-enough";

    private final List<String> hooks = new ArrayList<>();

    @Inject
    Pool pool;

    @Inject
    NoticeStore store;

    @AfterEach
    void deleteHooks() {
        hooks.forEach(id -> as(Api.adminSession()).delete("/api/v1/admin/webhooks/" + id));
    }

    private String hook(Receiver receiver, String path, List<String> events) {
        String id = as(Api.adminSession())
                .contentType(ContentType.JSON)
                .body(Map.of("url", receiver.url(path), "secret", SECRET, "events", events))
                .post("/api/v1/admin/webhooks")
                .then()
                .statusCode(201)
                .body("$", not(hasKey("secret")))
                .body("active", equalTo(true))
                .extract()
                .path("id");
        hooks.add(id);
        return id;
    }

    private static JsonPath deliveries(String hookId) {
        return as(Api.adminSession())
                .get("/api/v1/admin/webhooks/" + hookId + "/deliveries")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    @Test
    void aRevocationIsDeliveredOnceSignedWithTheTokenButNeverItsValue() throws Exception {
        try (Receiver receiver = new Receiver()) {
            String hookId = hook(receiver, "/hooks/revoked", List.of("token.revoked"));
            Api.TestUser alice = Api.aUser("deploy");
            Api.Issued token = Api.aToken(alice.session(), Map.of("name", "deploy-bot"));
            as(Api.adminSession()).delete("/api/v1/tokens/" + token.id()).then().statusCode(204);

            eventually(
                    Duration.ofSeconds(10),
                    () -> assertEquals(1, receiver.about(token.id()).size()));
            Thread.sleep(1500); // several delivery rounds later: still once
            List<Receiver.Received> got = receiver.about(token.id());
            assertEquals(1, got.size(), "delivered exactly once");
            Receiver.Received delivery = got.get(0);
            assertEquals("/hooks/revoked", delivery.path());
            assertEquals("token.revoked", delivery.header("X-Patgate-Event"));
            Long sentAt = delivery.timestamp();
            assertNotNull(sentAt, "X-Patgate-Timestamp, unix seconds: " + delivery.header("X-Patgate-Timestamp"));
            assertTrue(Math.abs(Instant.now().getEpochSecond() - sentAt) < 30, "the time of the attempt: " + sentAt);
            assertEquals(
                    Receiver.signature(SECRET, sentAt, delivery.body()),
                    delivery.header("X-Patgate-Signature-256"),
                    "the HMAC of the timestamp, a dot and the raw body");
            assertTrue(delivery.verifies(SECRET, Instant.now()));
            // the time is signed: a receiver of the body-only scheme refuses it, and so does one that is told another
            // time
            assertNotEquals(
                    Receiver.bodyOnlySignature(SECRET, delivery.body()), delivery.header("X-Patgate-Signature-256"));
            assertNotEquals(
                    Receiver.signature(SECRET, sentAt + 1, delivery.body()),
                    delivery.header("X-Patgate-Signature-256"));
            // a receiver refuses it replayed six minutes later, and one holding another secret refuses it at once
            assertFalse(delivery.verifies(SECRET, Instant.ofEpochSecond(sentAt).plus(Duration.ofMinutes(6))));
            assertFalse(delivery.verifies("another-secret-long-enough", Instant.now()));
            assertTrue(delivery.header("Content-Type").startsWith("application/json"));
            JsonPath body = JsonPath.from(delivery.text());
            assertEquals(delivery.header("X-Patgate-Delivery"), body.getString("id"));
            assertEquals("token.revoked", body.getString("event"));
            assertEquals(token.id(), body.getString("token.id"));
            assertEquals("deploy-bot", body.getString("token.name"));
            assertEquals("revoked", body.getString("token.status"));
            assertEquals("admin", body.getString("token.revokedReason"));
            assertEquals(alice.id(), body.getString("user.id"));
            assertEquals(alice.username(), body.getString("user.username"));
            assertEquals("admin", body.getString("detail.reason"));
            assertEquals("admin", body.getString("detail.by"));
            assertNull(body.get("token.token"), "never the value");
            assertFalse(delivery.text().contains(token.value()), "never the value");

            JsonPath list = deliveries(hookId);
            int mine = list.getList("eventId").indexOf(body.getString("id"));
            assertEquals("delivered", list.getString("[" + mine + "].state"));
            assertEquals(1, list.getInt("[" + mine + "].attempts"));
            assertEquals(204, list.getInt("[" + mine + "].responseCode"));
            assertTrue(list.getInt("[" + mine + "].durationMs") >= 0);
        }
    }

    @Test
    void aFailedDeliveryIsRetriedAfterA500AndAfterATimeoutThenAnAdminCanRedeliverIt() throws Exception {
        try (Receiver receiver = new Receiver()) {
            // first a 500, then no answer within the 1 s timeout, then a 200
            receiver.thenAnswer(500).thenAnswerAfter(2500, 200).thenAnswer(200);
            String hookId = hook(receiver, "/flaky", List.of("token.revoked"));
            Api.TestUser bob = Api.aUser();
            Api.Issued token = Api.aToken(bob.session(), Map.of());
            as(bob.session()).delete("/api/v1/tokens/" + token.id()).then().statusCode(204);

            eventually(
                    Duration.ofSeconds(20),
                    () -> assertEquals(3, receiver.about(token.id()).size()));
            List<Receiver.Received> got = receiver.about(token.id());
            String eventId = got.get(0).header("X-Patgate-Delivery");
            for (Receiver.Received r : got) {
                assertEquals(eventId, r.header("X-Patgate-Delivery"), "every attempt is the same event");
                assertEquals(got.get(0).text(), r.text(), "the same bytes");
                assertEquals(Receiver.signature(SECRET, r.timestamp(), r.body()), r.header("X-Patgate-Signature-256"));
            }
            // each attempt is signed at its own time (2.5 s and more apart here), so a retry a day later is as fresh as
            // the first
            assertTrue(
                    got.get(2).timestamp() > got.get(0).timestamp(),
                    got.get(0).timestamp() + " then " + got.get(2).timestamp());
            assertNotEquals(
                    got.get(0).header("X-Patgate-Signature-256"), got.get(2).header("X-Patgate-Signature-256"));
            eventually(Duration.ofSeconds(5), () -> {
                JsonPath list = deliveries(hookId);
                assertEquals("delivered", list.getString("[0].state"));
                assertEquals(3, list.getInt("[0].attempts"));
                assertEquals(200, list.getInt("[0].responseCode"));
            });
            String deliveryId = deliveries(hookId).getString("[0].id");

            as(Api.adminSession())
                    .post("/api/v1/admin/webhooks/" + hookId + "/deliveries/" + deliveryId + "/redeliver")
                    .then()
                    .statusCode(202)
                    .body("state", equalTo("pending"))
                    .body("redeliveryOf", equalTo(deliveryId))
                    .body("eventId", equalTo(eventId));
            eventually(
                    Duration.ofSeconds(10),
                    () -> assertEquals(4, receiver.about(token.id()).size()));
            assertEquals(
                    eventId,
                    receiver.about(token.id()).get(3).header("X-Patgate-Delivery"),
                    "a redelivery carries the same id");
            eventually(
                    Duration.ofSeconds(5),
                    () -> assertEquals("delivered", deliveries(hookId).getString("[0].state")));

            // someone else's id, or one of another hook, is 404
            isProblem(
                    as(Api.adminSession())
                            .post("/api/v1/admin/webhooks/" + hookId + "/deliveries/" + java.util.UUID.randomUUID()
                                    + "/redeliver")
                            .then(),
                    404);
        }
    }

    /** Revokes a new token of a new user and waits for its one delivery to {@code receiver}. */
    private static Receiver.Received revocationDeliveredTo(Receiver receiver) throws Exception {
        Api.TestUser owner = Api.aUser();
        Api.Issued token = Api.aToken(owner.session(), Map.of());
        as(owner.session()).delete("/api/v1/tokens/" + token.id()).then().statusCode(204);
        eventually(
                Duration.ofSeconds(10),
                () -> assertEquals(1, receiver.about(token.id()).size()));
        return receiver.about(token.id()).get(0);
    }

    private static io.restassured.response.ValidatableResponse change(String hookId, Map<String, ?> body) {
        return as(Api.adminSession())
                .contentType(ContentType.JSON)
                .body(body)
                .patch("/api/v1/admin/webhooks/" + hookId)
                .then();
    }

    @Test
    void aChangedSecretAndTheOneItReplacedBothSignDuringTheOverlapThenOnlyTheNewOne() throws Exception {
        String next = "the-next-webhook-secret-long-enough";
        try (Receiver receiver = new Receiver()) {
            String hookId = hook(receiver, "/changing", List.of("token.revoked"));
            as(Api.adminSession())
                    .get("/api/v1/admin/webhooks/" + hookId)
                    .then()
                    .statusCode(200)
                    .body("previousSecretValidUntil", nullValue());

            Instant changed = Instant.now();
            String until = change(hookId, Map.of("secret", next))
                    .statusCode(200)
                    .extract()
                    .path("previousSecretValidUntil");
            Duration overlap = Duration.between(changed, Instant.parse(until));
            assertTrue(
                    overlap.compareTo(Duration.ofHours(24).minusMinutes(1)) > 0
                            && overlap.compareTo(Duration.ofHours(24).plusMinutes(1)) < 0,
                    "the replaced secret signs for patgate.webhooks.secret-overlap (24 h by default): " + until);
            // the audit log says so, and names no secret
            String audited = as(Api.adminSession())
                    .get("/api/v1/audit?action=webhook.changed&size=100")
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath()
                    .getList("detail", String.class)
                    .stream()
                    .filter(d -> d.contains(hookId))
                    .findFirst()
                    .orElseThrow();
            assertTrue(audited.contains("new secret (the previous one also signs until " + until + ")"), audited);
            assertFalse(audited.contains(next) || audited.contains(SECRET), audited);
            // a change that leaves the secret alone leaves the overlap alone
            change(hookId, Map.of("events", List.of("token.revoked", "token.expired")))
                    .statusCode(200)
                    .body("previousSecretValidUntil", equalTo(until));

            // during the overlap: one entry per secret, the new one first, and a receiver holding either accepts it
            Receiver.Received during = revocationDeliveredTo(receiver);
            long at = during.timestamp();
            assertEquals(
                    List.of(Receiver.signature(next, at, during.body()), Receiver.signature(SECRET, at, during.body())),
                    during.signatures());
            assertEquals(
                    Receiver.signature(next, at, during.body()) + "," + Receiver.signature(SECRET, at, during.body()),
                    during.header("X-Patgate-Signature-256"),
                    "one header, comma-separated");
            assertTrue(during.verifies(next, Instant.now()), "a receiver that has the new secret already");
            assertTrue(during.verifies(SECRET, Instant.now()), "a receiver that still has the old one");
            assertFalse(during.verifies("a-third-secret-long-enough", Instant.now()));

            // once the overlap is over (as if a day had passed), only the new secret signs
            pool.preparedQuery("update webhook set previous_secret_until = now() - interval '1 second' where id = $1")
                    .execute(Tuple.of(UUID.fromString(hookId)))
                    .await()
                    .atMost(Duration.ofSeconds(5));
            as(Api.adminSession())
                    .get("/api/v1/admin/webhooks/" + hookId)
                    .then()
                    .statusCode(200)
                    .body("previousSecretValidUntil", nullValue());
            Receiver.Received after = revocationDeliveredTo(receiver);
            assertEquals(List.of(Receiver.signature(next, after.timestamp(), after.body())), after.signatures());
            assertTrue(after.verifies(next, Instant.now()));
            assertFalse(after.verifies(SECRET, Instant.now()), "the replaced secret no longer verifies");

            // and the replaced secret is then not kept at all, not even sealed: the notice scanner's sweep drops it
            // (run
            // here at once; the scheduled sweep may have dropped it already, so the row, not the count, is what is
            // checked)
            store.dropReplacedSecrets(Instant.now()).await().atMost(Duration.ofSeconds(5));
            Row row = pool.preparedQuery("select previous_secret_enc, previous_secret_until from webhook where id = $1")
                    .execute(Tuple.of(UUID.fromString(hookId)))
                    .await()
                    .atMost(Duration.ofSeconds(5))
                    .iterator()
                    .next();
            assertNull(row.getValue("previous_secret_enc"));
            assertNull(row.getValue("previous_secret_until"));
        }
    }

    @Test
    void aLeakedSecretCanBeReplacedWithNoOverlapAndAnOverlapCanBeEndedEarly() throws Exception {
        String next = "the-next-webhook-secret-long-enough";
        String third = "a-third-webhook-secret-long-enough";
        try (Receiver receiver = new Receiver()) {
            String hookId = hook(receiver, "/leaked", List.of("token.revoked"));
            change(hookId, Map.of("secret", next, "dropPreviousSecret", true))
                    .statusCode(200)
                    .body("previousSecretValidUntil", nullValue());
            Receiver.Received first = revocationDeliveredTo(receiver);
            assertEquals(List.of(Receiver.signature(next, first.timestamp(), first.body())), first.signatures());
            assertFalse(first.verifies(SECRET, Instant.now()), "the leaked secret signs nothing more");

            // an overlap already running ends when asked, without a new secret
            change(hookId, Map.of("secret", third)).statusCode(200).body("previousSecretValidUntil", notNullValue());
            change(hookId, Map.of("dropPreviousSecret", true))
                    .statusCode(200)
                    .body("previousSecretValidUntil", nullValue());
            Receiver.Received second = revocationDeliveredTo(receiver);
            assertEquals(List.of(Receiver.signature(third, second.timestamp(), second.body())), second.signatures());
            assertFalse(second.verifies(next, Instant.now()));

            isProblem(change(hookId, Map.of("dropPreviousSecret", "soon")), 400);
        }
    }

    @Test
    void aRedirectIsNotFollowedButCountsAsAFailure() throws Exception {
        try (Receiver receiver = new Receiver();
                Receiver elsewhere = new Receiver()) {
            receiver.thenRedirectTo(elsewhere.url("/stolen"));
            String hookId = hook(receiver, "/moved", List.of("token.revoked"));
            Api.TestUser carol = Api.aUser();
            Api.Issued token = Api.aToken(carol.session(), Map.of());
            as(carol.session()).delete("/api/v1/tokens/" + token.id()).then().statusCode(204);

            eventually(Duration.ofSeconds(10), () -> {
                JsonPath list = deliveries(hookId);
                assertEquals(302, list.getInt("[0].responseCode"));
                assertTrue(list.getString("[0].error").contains("redirects are not followed"));
            });
            assertTrue(elsewhere.received().isEmpty(), "the redirect's target was never asked");
            // the retry (1 s later) is answered 204 by default
            eventually(
                    Duration.ofSeconds(10),
                    () -> assertEquals("delivered", deliveries(hookId).getString("[0].state")));
        }
    }

    @Test
    void aLeakReportIsToldAsSuchAndAsARevocation() throws Exception {
        try (Receiver receiver = new Receiver()) {
            hook(receiver, "/leaks", List.of("token.leak-reported", "token.revoked"));
            Api.Issued token = Api.aToken(Api.aUser().session(), Map.of());
            given().formParam("token", token.value())
                    .post("/oauth/revoke")
                    .then()
                    .statusCode(200);

            eventually(
                    Duration.ofSeconds(10),
                    () -> assertEquals(2, receiver.about(token.id()).size()));
            List<String> events = receiver.about(token.id()).stream()
                    .map(r -> r.header("X-Patgate-Event"))
                    .sorted()
                    .toList();
            assertEquals(List.of("token.leak-reported", "token.revoked"), events);
            for (Receiver.Received r : receiver.about(token.id())) {
                assertEquals("leak-report", JsonPath.from(r.text()).getString("token.revokedReason"));
            }
        }
    }

    @Test
    void anInactiveHookOrOneNotTakingTheEventGetsNothing() throws Exception {
        try (Receiver receiver = new Receiver()) {
            String paused = hook(receiver, "/paused", List.of("token.revoked"));
            as(Api.adminSession())
                    .contentType(ContentType.JSON)
                    .body(Map.of("active", false))
                    .patch("/api/v1/admin/webhooks/" + paused)
                    .then()
                    .statusCode(200)
                    .body("active", equalTo(false));
            hook(receiver, "/expiry-only", List.of("token.expired"));
            Api.TestUser dan = Api.aUser();
            Api.Issued token = Api.aToken(dan.session(), Map.of());
            as(dan.session()).delete("/api/v1/tokens/" + token.id()).then().statusCode(204);
            Thread.sleep(2000);
            assertTrue(receiver.about(token.id()).isEmpty());
        }
    }

    @Test
    void adminsManageHooksAndTheSecretIsNeverShown() {
        try (Receiver receiver = new Receiver()) {
            String admin = Api.adminSession();
            String id = hook(receiver, "/crud", List.of("token.revoked", "token.expiring"));
            as(admin)
                    .get("/api/v1/admin/webhooks/" + id)
                    .then()
                    .statusCode(200)
                    .body("url", equalTo(receiver.url("/crud")))
                    .body("events", contains("token.expiring", "token.revoked"))
                    .body("$", not(hasKey("secret")))
                    .body("$", not(hasKey("secretEnc")));
            as(admin)
                    .get("/api/v1/admin/webhooks")
                    .then()
                    .statusCode(200)
                    .header("X-Total-Count", org.hamcrest.Matchers.notNullValue())
                    .body("id", org.hamcrest.Matchers.hasItem(id))
                    .body(not(containsString(SECRET)));
            as(admin)
                    .contentType(ContentType.JSON)
                    .body(Map.of("events", List.of("token.expired"), "secret", "another-secret-long-enough"))
                    .patch("/api/v1/admin/webhooks/" + id)
                    .then()
                    .statusCode(200)
                    .body("events", contains("token.expired"))
                    .body(not(containsString("another-secret")));

            // bad input: a clear 400 naming the field, and nothing saved
            isProblem(
                            as(admin)
                                    .contentType(ContentType.JSON)
                                    .body(Map.of(
                                            "url",
                                            "ftp://example.com/x",
                                            "secret",
                                            SECRET,
                                            "events",
                                            List.of("token.revoked")))
                                    .post("/api/v1/admin/webhooks")
                                    .then(),
                            400)
                    .body("errors[0].field", equalTo("url"));
            isProblem(
                            as(admin)
                                    .contentType(ContentType.JSON)
                                    .body(Map.of(
                                            "url",
                                            "http://user:pw@example.com/x",
                                            "secret",
                                            SECRET,
                                            "events",
                                            List.of("token.revoked")))
                                    .post("/api/v1/admin/webhooks")
                                    .then(),
                            400)
                    .body("errors[0].field", equalTo("url"));
            isProblem(
                            as(admin)
                                    .contentType(ContentType.JSON)
                                    .body(Map.of(
                                            "url",
                                            receiver.url("/x"),
                                            "secret",
                                            SECRET,
                                            "events",
                                            List.of("token.stolen")))
                                    .post("/api/v1/admin/webhooks")
                                    .then(),
                            400)
                    .body("errors[0].field", equalTo("events"));
            isProblem(
                            as(admin)
                                    .contentType(ContentType.JSON)
                                    .body(Map.of(
                                            "url",
                                            receiver.url("/x"),
                                            "secret",
                                            "short",
                                            "events",
                                            List.of("token.revoked")))
                                    .post("/api/v1/admin/webhooks")
                                    .then(),
                            400)
                    .body("errors[0].field", equalTo("secret"));
            isProblem(
                            as(admin)
                                    .contentType(ContentType.JSON)
                                    .body(Map.of(
                                            "url",
                                            "https://no-such-host.invalid/x",
                                            "secret",
                                            SECRET,
                                            "events",
                                            List.of("token.revoked")))
                                    .post("/api/v1/admin/webhooks")
                                    .then(),
                            400)
                    .body("detail", containsString("does not resolve"));

            // only admins; an unknown id is 404
            isProblem(as(Api.aUser().session()).get("/api/v1/admin/webhooks").then(), 403);
            isProblem(
                    as(admin)
                            .get("/api/v1/admin/webhooks/" + java.util.UUID.randomUUID())
                            .then(),
                    404);
            isProblem(
                    as(admin)
                            .get("/api/v1/admin/webhooks/" + java.util.UUID.randomUUID() + "/deliveries")
                            .then(),
                    404);

            as(admin).delete("/api/v1/admin/webhooks/" + id).then().statusCode(204);
            isProblem(as(admin).get("/api/v1/admin/webhooks/" + id).then(), 404);
            isProblem(as(admin).delete("/api/v1/admin/webhooks/" + id).then(), 404);
        }
    }
}
