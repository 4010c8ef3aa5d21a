package io.patgate.token;

import static io.patgate.support.Api.as;
import static io.patgate.support.Api.isProblem;
import static org.hamcrest.Matchers.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.patgate.support.Api;
import io.patgate.support.BehindAProxy;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Last-used data, with the test client acting as a trusted reverse proxy so it can vary the client address. */
@QuarkusTest
@TestProfile(BehindAProxy.class)
class UsageTest {

    @Inject
    Pool pool;

    @Test
    void lastUseIsVisibleAtOnceAndStoredWithinSeconds() throws InterruptedException {
        String session = Api.aUser().session();
        Api.Issued token = Api.aToken(session, Map.of());
        Instant before = Instant.now().minusSeconds(1);
        as(token.value())
                .header("X-Forwarded-For", "203.0.113.7")
                .get("/auth/verify")
                .then()
                .statusCode(200);
        as(session)
                .get("/api/v1/tokens/" + token.id())
                .then()
                .statusCode(200)
                .body("lastUsedIp", equalTo("203.0.113.7"))
                .body("lastUsedAt", notNullValue());
        // and in the database within the flush interval, written in the background
        String stored = null;
        for (int i = 0; i < 50 && stored == null; i++) {
            Thread.sleep(200);
            var rows = pool.preparedQuery("select last_used_ip, last_used_at from token_usage where token_id = $1")
                    .execute(Tuple.of(UUID.fromString(token.id())))
                    .await()
                    .atMost(Duration.ofSeconds(5));
            var row = rows.size() == 0 ? null : rows.iterator().next();
            stored = row == null ? null : row.getString("last_used_ip");
            if (stored != null) {
                assertEquals(
                        true, !row.getOffsetDateTime("last_used_at").toInstant().isBefore(before));
            }
        }
        assertEquals("203.0.113.7", stored);
    }

    @Test
    void recentIpsHoldTheLastFiveDistinctAddresses() throws InterruptedException {
        String session = Api.aUser().session();
        Api.Issued token = Api.aToken(session, Map.of());
        for (String ip : List.of(
                "198.51.100.1",
                "198.51.100.2",
                "198.51.100.1",
                "198.51.100.3",
                "198.51.100.4",
                "198.51.100.5",
                "2001:db8::9")) {
            as(token.value())
                    .header("X-Forwarded-For", ip)
                    .get("/auth/verify")
                    .then()
                    .statusCode(200);
            Thread.sleep(1_050); // one record per address and second
        }
        as(session)
                .get("/api/v1/tokens/" + token.id())
                .then()
                .statusCode(200)
                .body("lastUsedIp", equalTo("2001:db8::9"))
                .body(
                        "recentIps.ip",
                        contains("2001:db8::9", "198.51.100.5", "198.51.100.4", "198.51.100.3", "198.51.100.1"))
                .body("recentIps[0].lastSeenAt", notNullValue());
    }

    @Test
    void addressesRecordedInTheOldSpellingReadInTodaysAndOneClientIsOneEntry() throws InterruptedException {
        String session = Api.aUser().session();
        Api.Issued token = Api.aToken(session, Map.of());
        // as a release before RFC 5952 spelling left them
        Instant earlier = Instant.now().minusSeconds(3600);
        pool.preparedQuery(
                        "insert into token_usage (token_id, last_used_at, last_used_ip, recent_ips) values ($1, $2, $3, $4)")
                .execute(Tuple.of(
                        UUID.fromString(token.id()),
                        java.time.OffsetDateTime.ofInstant(earlier, java.time.ZoneOffset.UTC),
                        "2001:db8:0:0:0:0:0:7",
                        new String[] {"2001:db8:0:0:0:0:0:7|" + earlier, "198.51.100.9|" + earlier.minusSeconds(60)}))
                .await()
                .atMost(Duration.ofSeconds(5));
        as(session)
                .get("/api/v1/tokens/" + token.id())
                .then()
                .statusCode(200)
                .body("lastUsedIp", equalTo("2001:db8::7"))
                .body("recentIps.ip", contains("2001:db8::7", "198.51.100.9"));
        // the same client again: still one entry, now with this use's time
        as(token.value())
                .header("X-Forwarded-For", "2001:DB8::7")
                .get("/auth/verify")
                .then()
                .statusCode(200);
        as(session)
                .get("/api/v1/tokens/" + token.id())
                .then()
                .statusCode(200)
                .body("lastUsedIp", equalTo("2001:db8::7"))
                .body("recentIps.ip", contains("2001:db8::7", "198.51.100.9"));
    }

    @Test
    void aTrustedProxyPassesTheClientAddressAndOnlyTheNearestUntrustedHopCounts() {
        String session = Api.aUser().session();
        Api.Issued token = Api.aToken(session, Map.of("allowedCidrs", List.of("192.0.2.0/24")));
        as(token.value())
                .header("X-Forwarded-For", "192.0.2.10")
                .get("/auth/verify")
                .then()
                .statusCode(200);
        // Forwarded is not believed, even from a trusted proxy: nginx passes a client's own through untouched
        isProblem(
                as(token.value())
                        .header("Forwarded", "for=192.0.2.11;proto=https")
                        .get("/auth/verify")
                        .then(),
                401);
        // a client that prepends an allowed address of its own gets nowhere: the proxy appended the real one
        isProblem(
                as(token.value())
                        .header("X-Forwarded-For", "192.0.2.10, 198.51.100.66")
                        .get("/auth/verify")
                        .then(),
                401);
        isProblem(as(token.value()).get("/auth/verify").then(), 401);
    }
}
