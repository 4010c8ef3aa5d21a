package io.patgate.notice;

import static io.patgate.support.Api.as;
import static io.patgate.support.Eventually.eventually;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.patgate.support.Api;
import io.patgate.support.Mailbox;
import io.patgate.support.Receiver;
import io.quarkus.test.junit.QuarkusTest;
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
 * With {@code patgate.tokens.retire-unused-after=P90D} (every test runs with it, see application.properties): a token unused for 83 days is warned (a {@code token.expiring}
 * notice, reason {@code unused}, and a mail), a week later it is revoked with reason {@code unused} and stops working,
 * and a token used meanwhile is left alone. Old tokens are made by moving their dates back in SQL; time moves by the
 * scan's injected instant.
 */
@QuarkusTest
class RetirementTest {

    @Inject
    NoticeScanner scanner;

    @Inject
    Pool pool;

    @Inject
    io.patgate.store.TokenUsageWriter usage;

    private void scan(Instant at) {
        scanner.scan(at).await().atMost(Duration.ofSeconds(10));
    }

    /**
     * Flushes the usage data, and waits for {@code tokenId}'s use to be stored: a scheduled flush may have taken it a
     * moment before (then this flush has nothing to write and returns at once, while that one is still writing).
     */
    private void flushed(String tokenId) throws InterruptedException {
        usage.flush().await().atMost(Duration.ofSeconds(5));
        eventually(
                Duration.ofSeconds(10),
                () -> assertEquals(
                        1,
                        pool.preparedQuery("select 1 from token_usage where token_id = $1")
                                .execute(Tuple.of(UUID.fromString(tokenId)))
                                .await()
                                .atMost(Duration.ofSeconds(5))
                                .size(),
                        "the use is not stored yet"));
    }

    /** Moves a token's creation back, and sets its stored last use (none, or this long ago), in one transaction: a scan
     * running meanwhile (the scheduled one) sees the token as it was or as it is made, never half-way (e.g. created long
     * ago with no use yet, which would be a stretch of disuse of its own, with a warning of its own). */
    private void backdate(String tokenId, Duration created, Duration lastUsed) {
        UUID id = UUID.fromString(tokenId);
        pool.withTransaction(conn -> conn.preparedQuery(
                                "update access_token set created_at = now() - make_interval(secs => $2),"
                                        + " issued_at = now() - make_interval(secs => $2) where id = $1")
                        .execute(Tuple.of(id, (double) created.toSeconds()))
                        // the last use lives in token_usage (V19): none, or one this long ago
                        .chain(() -> conn.preparedQuery("delete from token_usage where token_id = $1")
                                .execute(Tuple.of(id)))
                        .chain(() -> lastUsed == null
                                ? io.smallrye.mutiny.Uni.createFrom().voidItem()
                                : conn.preparedQuery("insert into token_usage (token_id, last_used_at, last_used_ip)"
                                                + " values ($1, now() - make_interval(secs => $2), '127.0.0.1')")
                                        .execute(Tuple.of(id, (double) lastUsed.toSeconds()))
                                        .replaceWithVoid()))
                .await()
                .atMost(Duration.ofSeconds(5));
    }

    @Test
    void anUnusedTokenIsWarnedThenRetiredAndSaysWhy() throws Exception {
        try (Receiver receiver = new Receiver();
                Mailbox mailbox = new Mailbox()) {
            String hookId = as(Api.adminSession())
                    .contentType(ContentType.JSON)
                    .body(Map.of(
                            "url",
                            receiver.url("/retire"),
                            "secret",
                            "retire-secret-long-enough",
                            "events",
                            List.of("token.expiring", "token.revoked", "token.retired-unused")))
                    .post("/api/v1/admin/webhooks")
                    .then()
                    .statusCode(201)
                    .extract()
                    .path("id");
            try {
                Api.TestUser hank = Api.aUser();
                String session = hank.session();
                String address = hank.username() + "@example.com";
                mailbox.setConfirmed(session, address);
                Api.Issued idle = Api.aToken(session, Map.of("name", "forgotten-cron", "expiresInDays", 365));
                Api.Issued busy = Api.aToken(session, Map.of("name", "busy-cron", "expiresInDays", 365));
                Api.Issued revived = Api.aToken(session, Map.of("name", "revived-cron", "expiresInDays", 365));
                Api.Issued expiresFirst = Api.aToken(session, Map.of("name", "expires-first", "expiresInDays", 3));
                as(idle.value()).get("/api/v1/me").then().statusCode(200);
                flushed(idle.id()); // its use so far is written before its dates are moved back
                backdate(idle.id(), Duration.ofDays(100), Duration.ofDays(85));
                backdate(busy.id(), Duration.ofDays(100), Duration.ofDays(2));
                backdate(revived.id(), Duration.ofDays(100), null); // never used in 100 days
                backdate(
                        expiresFirst.id(),
                        Duration.ofDays(100),
                        null); // idle too, but it expires before it could be retired
                Instant now = Instant.now();

                scan(now);
                scan(now.plusSeconds(60));
                eventually(
                        Duration.ofSeconds(10),
                        () -> assertEquals(1, receiver.notices(idle.id()).size()));
                JsonPath warning =
                        JsonPath.from(receiver.notices(idle.id()).get(0).text());
                assertEquals("token.expiring", warning.getString("event"));
                assertEquals("unused", warning.getString("detail.reason"));
                assertEquals(7, warning.getInt("detail.days"));
                // warned, still active (asked as its owner: a use of the token itself would make it used, and end the
                // warning)
                as(session)
                        .get("/api/v1/tokens/" + idle.id())
                        .then()
                        .statusCode(200)
                        .body("status", equalTo("active"));

                // the revived token is warned too, then used: its warning no longer holds
                eventually(
                        Duration.ofSeconds(10),
                        () -> assertEquals(1, receiver.notices(revived.id()).size()));
                as(revived.value()).get("/api/v1/me").then().statusCode(200);
                flushed(revived.id());

                scan(now.plus(Duration.ofDays(6)));
                as(session)
                        .get("/api/v1/tokens/" + idle.id())
                        .then()
                        .statusCode(200)
                        .body("status", equalTo("active")); // a full week

                scan(now.plus(Duration.ofDays(8)));
                eventually(
                        Duration.ofSeconds(5),
                        () -> as(idle.value()).get("/api/v1/me").then().statusCode(401));
                as(session)
                        .get("/api/v1/tokens/" + idle.id())
                        .then()
                        .statusCode(200)
                        .body("status", equalTo("revoked"))
                        .body("revokedReason", equalTo("unused"));
                as(session)
                        .get("/api/v1/tokens/" + busy.id())
                        .then()
                        .statusCode(200)
                        .body("status", equalTo("active"));
                as(busy.value()).get("/api/v1/me").then().statusCode(200);
                as(session)
                        .get("/api/v1/tokens/" + revived.id())
                        .then()
                        .statusCode(200)
                        .body("status", equalTo("active"));
                as(revived.value()).get("/api/v1/me").then().statusCode(200);
                as(Api.adminSession())
                        .get("/api/v1/audit?tokenId=" + idle.id())
                        .then()
                        .statusCode(200)
                        .body("action", hasItem("token.revoked"))
                        .body("actor", hasItem("system"));

                // counted as the README tells receivers to: once per X-Patgate-Delivery (an attempt that timed out
                // under load is
                // sent again, the same notice); a second warning would be a notice of its own, and fail here
                eventually(
                        Duration.ofSeconds(10),
                        () -> assertEquals(
                                3,
                                receiver.notices(idle.id()).size(),
                                () -> receiver.about(idle.id()).stream()
                                        .map(r -> r.text())
                                        .toList()
                                        .toString()));
                List<String> events = receiver.notices(idle.id()).stream()
                        .map(r -> r.header("X-Patgate-Event"))
                        .sorted()
                        .toList();
                assertEquals(List.of("token.expiring", "token.retired-unused", "token.revoked"), events);
                assertTrue(receiver.notices(busy.id()).isEmpty(), "a token in use is neither warned nor retired");
                assertTrue(
                        receiver.about(expiresFirst.id()).stream()
                                .map(r -> JsonPath.from(r.text()))
                                .noneMatch(j -> "unused".equals(j.getString("detail.reason"))
                                        || j.getString("event").equals("token.retired-unused")),
                        "a token that expires before its retirement day is left to expire");

                // the owner: warned by mail about both idle tokens, then told of the one retirement; the token that
                // expires first is warned of its expiry, with the time it really has left
                eventually(
                        Duration.ofSeconds(15),
                        () -> assertEquals(4, mailbox.to(address).size()));
                // each subject fixed for its kind (no token name in it); the name is in the plain-text body
                List<String> mails = mailbox.to(address).stream()
                        .map(m -> m.subject() + " | " + m.text())
                        .sorted()
                        .toList();
                assertEquals(4, mails.size(), mails.toString());
                assertTrue(
                        mails.stream()
                                .anyMatch(m -> m.startsWith(
                                                "patgate: one of your tokens expires soon | Your token \"expires-first\"")
                                        && m.contains("expires in 3 days")),
                        mails.toString());
                assertTrue(
                        mails.stream()
                                .anyMatch(m -> m.startsWith(
                                                "patgate: one of your tokens was revoked | Your token \"forgotten-cron\"")
                                        && m.contains("was revoked by system, reason unused")),
                        mails.toString());
                assertTrue(
                        mails.stream()
                                .anyMatch(
                                        m -> m.startsWith(
                                                "patgate: one of your tokens will be retired unused | Your token \"forgotten-cron\"")),
                        mails.toString());
                assertTrue(
                        mails.stream()
                                .anyMatch(
                                        m -> m.startsWith(
                                                "patgate: one of your tokens will be retired unused | Your token \"revived-cron\"")),
                        mails.toString());
            } finally {
                as(Api.adminSession())
                        .delete("/api/v1/admin/webhooks/" + hookId)
                        .then()
                        .statusCode(204);
            }
        }
    }
}
