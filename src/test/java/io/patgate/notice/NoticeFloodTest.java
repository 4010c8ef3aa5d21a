package io.patgate.notice;

import static io.patgate.support.Api.as;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.patgate.store.NoticeStore;
import io.patgate.store.TokenUsageWriter;
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
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Security review, issue 25, finding 5: floods of notices. Fan-out and delivery are driven by the test here (their
 * schedule is an hour apart in this profile), so what is queued, and in which order it goes, is the test's to see. The
 * test client is a trusted proxy, so a test chooses the client address.
 */
@QuarkusTest
@TestProfile(NoticeFloodTest.DrivenByTheTest.class)
class NoticeFloodTest {

    public static class DrivenByTheTest implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "patgate.webhooks.poll-interval",
                    "1H",
                    "patgate.http.trusted-proxies",
                    "127.0.0.0/8,::1/128",
                    "patgate.tokens.usage-flush-interval",
                    "1H");
        }
    }

    @Inject
    NoticeDispatcher fanOut;

    @Inject
    Deliverer deliverer;

    @Inject
    NoticeStore store;

    @Inject
    TokenUsageWriter usage;

    @Inject
    Pool pool;

    private long count(String sql, Object... args) {
        return io.patgate.support.Postgres.count(pool, sql, args);
    }

    private void sql(String sql, Object... args) {
        pool.preparedQuery(sql).execute(Tuple.from(args)).await().atMost(Duration.ofSeconds(5));
    }

    /** Runs {@code work} on a Vert.x context, as the scheduler would (Hibernate Reactive needs one), and waits for it. */
    private static <T> T onVertx(java.util.function.Supplier<io.smallrye.mutiny.Uni<T>> work) {
        try {
            return io.quarkus.vertx.VertxContextSupport.subscribeAndAwait(work);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    private void fanOutEverything() {
        while (onVertx(fanOut::dispatch) > 0) {
            // a batch at a time
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void createAndRevoke(String session, int times) {
        for (int i = 0; i < times; i++) {
            Api.Issued token = Api.aToken(session, Map.of());
            as(session).delete("/api/v1/tokens/" + token.id()).then().statusCode(204);
        }
    }

    @Test
    void aCreateAndRevokeFloodIsCappedAndALeakReportAfterItGoesFirst() {
        try (Receiver receiver = new Receiver()) {
            String hookId = as(Api.adminSession())
                    .contentType(ContentType.JSON)
                    .body(Map.of(
                            "url",
                            receiver.url("/flood"),
                            "secret",
                            "flood-secret-long-enough",
                            "events",
                            List.of("token.revoked", "token.leak-reported")))
                    .post("/api/v1/admin/webhooks")
                    .then()
                    .statusCode(201)
                    .extract()
                    .path("id");
            try {
                Api.TestUser vic = Api.aUser();
                Api.TestUser walt = Api.aUser();
                String vicSession = vic.session();
                createAndRevoke(vicSession, 25);
                createAndRevoke(walt.session(), 25);
                Api.Issued leaked = Api.aToken(vicSession, Map.of("name", "leaked-after-the-flood"));
                given().formParam("token", leaked.value())
                        .post("/oauth/revoke")
                        .then()
                        .statusCode(200);

                // 20 routine notices an hour each (the default), then one audit event saying so; the leak is told in
                // full
                assertEquals(
                        20,
                        count(
                                "select count(*) from notice where user_id = $1 and event = 'token.revoked' and detail like '%\"owner\"%'",
                                UUID.fromString(vic.id())));
                assertEquals(20, count("select count(*) from notice where user_id = $1", UUID.fromString(walt.id())));
                assertEquals(2, count("select count(*) from notice where token_id = $1", UUID.fromString(leaked.id())));
                for (Api.TestUser who : List.of(vic, walt)) {
                    JsonPath audit = as(Api.adminSession())
                            .get("/api/v1/audit?username=" + who.username() + "&action=notice.limited")
                            .then()
                            .statusCode(200)
                            .extract()
                            .jsonPath();
                    assertEquals(
                            1,
                            audit.getList("action").stream()
                                    .filter("notice.limited"::equals)
                                    .count(),
                            "one audit event per window");
                }
                // the owner's own revocations still happened, and are audited each
                assertEquals(
                        25,
                        count(
                                "select count(*) from access_token where user_id = $1 and revoked_reason = 'owner'",
                                UUID.fromString(walt.id())));

                // 42 deliveries queued for one webhook; a round takes 20 of them: the leak report's two are among them
                fanOutEverything();
                assertEquals(
                        42,
                        count(
                                "select count(*) from delivery where webhook_id = $1 and state = 'pending'",
                                UUID.fromString(hookId)));
                onVertx(deliverer::deliverDue);
                assertEquals(Deliverer.PER_HOOK, receiver.received().size());
                assertEquals(2, receiver.about(leaked.id()).size(), "security notices go before the routine queue");
                assertEquals(
                        List.of("token.leak-reported", "token.revoked"),
                        receiver.about(leaked.id()).stream()
                                .map(r -> r.header("X-Patgate-Event"))
                                .sorted()
                                .toList());
                // the rest (an attempt that timed out on this busy machine is tried again: count notices, not requests)
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (receiver.received().stream()
                                        .map(r -> r.header("X-Patgate-Delivery"))
                                        .distinct()
                                        .count()
                                < 42
                        && System.nanoTime() < deadline) {
                    onVertx(deliverer::deliverDue);
                    sleep(200);
                }
                assertEquals(
                        42,
                        receiver.received().stream()
                                .map(r -> r.header("X-Patgate-Delivery"))
                                .distinct()
                                .count());
            } finally {
                as(Api.adminSession())
                        .delete("/api/v1/admin/webhooks/" + hookId)
                        .then()
                        .statusCode(204);
            }
        }
    }

    @Test
    void aTokenUsedFromEverNewNetworksKeepsItsLatestAndRaisesBoundedNotices() {
        Api.TestUser xena = Api.aUser();
        Api.Issued token = Api.aToken(xena.session(), Map.of("name", "roaming"));
        UUID id = UUID.fromString(token.id());
        as(token.value())
                .header("X-Forwarded-For", "198.51.100.7")
                .get("/api/v1/me")
                .then()
                .statusCode(200);
        usage.flush().await().atMost(Duration.ofSeconds(5));
        for (int i = 1; i <= 60; i++) {
            as(token.value())
                    .header("X-Forwarded-For", "2001:db8:" + Integer.toHexString(i) + "::1")
                    .get("/api/v1/me")
                    .then()
                    .statusCode(200);
            usage.flush().await().atMost(Duration.ofSeconds(5));
        }
        assertEquals(
                50, count("select count(*) from token_network where token_id = $1", id), "at most 50 networks a token");
        assertEquals(
                0,
                count("select count(*) from token_network where token_id = $1 and network = '198.51.100.7'", id),
                "the one seen longest ago went first");
        assertEquals(
                1,
                count("select count(*) from token_network where token_id = $1 and network = '2001:db8:3c::/64'", id),
                "the latest is kept");
        assertEquals(
                20,
                count("select count(*) from notice where token_id = $1 and event = 'token.used-from-new-address'", id),
                "20 new-address notices an hour at most");
        assertEquals(
                1,
                count(
                        "select count(*) from audit_event where user_id = $1 and action = 'notice.limited'",
                        UUID.fromString(xena.id())));

        // a network in use stays: it is seen again, so it is not the oldest any more
        as(token.value())
                .header("X-Forwarded-For", "2001:db8:b::1")
                .get("/api/v1/me")
                .then()
                .statusCode(200);
        usage.flush().await().atMost(Duration.ofSeconds(5));
        as(token.value())
                .header("X-Forwarded-For", "2001:db8:3d::1")
                .get("/api/v1/me")
                .then()
                .statusCode(200);
        usage.flush().await().atMost(Duration.ofSeconds(5));
        assertEquals(50, count("select count(*) from token_network where token_id = $1", id));
        assertEquals(
                1, count("select count(*) from token_network where token_id = $1 and network = '2001:db8:b::/64'", id));
        assertEquals(
                0, count("select count(*) from token_network where token_id = $1 and network = '2001:db8:c::/64'", id));
    }

    @Test
    void pruningForgetsWhatLongRevokedTokensLeftBehind() {
        try (Receiver receiver = new Receiver()) {
            String hookId = as(Api.adminSession())
                    .contentType(ContentType.JSON)
                    .body(Map.of(
                            "url",
                            receiver.url("/prune"),
                            "secret",
                            "prune-secret-long-enough",
                            "events",
                            List.of("token.revoked")))
                    .post("/api/v1/admin/webhooks")
                    .then()
                    .statusCode(201)
                    .extract()
                    .path("id");
            try {
                Api.TestUser yuri = Api.aUser();
                String session = yuri.session();
                Api.Issued old = Api.aToken(session, Map.of("name", "revoked-long-ago"));
                Api.Issued live = Api.aToken(session, Map.of("name", "still-in-use"));
                for (Api.Issued t : List.of(old, live)) {
                    for (String address : List.of("198.51.100.1", "198.51.100.2")) {
                        as(t.value())
                                .header("X-Forwarded-For", address)
                                .get("/api/v1/me")
                                .then()
                                .statusCode(200);
                        usage.flush().await().atMost(Duration.ofSeconds(5));
                    }
                }
                as(session).delete("/api/v1/tokens/" + old.id()).then().statusCode(204);
                fanOutEverything(); // its delivery stays pending: nothing delivers in this profile unless the test says
                // so
                UUID oldId = UUID.fromString(old.id());
                UUID liveId = UUID.fromString(live.id());
                assertEquals(
                        1,
                        count(
                                "select count(*) from delivery d join notice n on n.id = d.notice_id where n.token_id = $1 and d.state = 'pending'",
                                oldId));
                sql("update access_token set revoked_at = now() - interval '40 days' where id = $1", oldId);
                sql("update notice set at = now() - interval '40 days' where token_id = $1", oldId);
                sql(
                        "insert into send_limit (bucket, key, window_start, used) values ('mail', $1, now() - interval '3 days', 7)",
                        "old-" + oldId);

                int pruned = store.pruneBefore(Instant.now().minus(Duration.ofDays(31)))
                        .await()
                        .atMost(Duration.ofSeconds(10));
                assertTrue(pruned >= 3, "pruned " + pruned);
                assertEquals(0, count("select count(*) from notice where token_id = $1", oldId));
                assertEquals(
                        0,
                        count(
                                "select count(*) from delivery d where not exists (select 1 from notice n where n.id = d.notice_id)"));
                assertEquals(0, count("select count(*) from token_network where token_id = $1", oldId));
                assertEquals(
                        2,
                        count("select count(*) from token_network where token_id = $1", liveId),
                        "a live token keeps its networks");
                assertEquals(
                        1, count("select count(*) from notice where token_id = $1", liveId), "and its recent notices");
                assertEquals(0, count("select count(*) from send_limit where key = $1", "old-" + oldId));
            } finally {
                as(Api.adminSession())
                        .delete("/api/v1/admin/webhooks/" + hookId)
                        .then()
                        .statusCode(204);
            }
        }
    }
}
