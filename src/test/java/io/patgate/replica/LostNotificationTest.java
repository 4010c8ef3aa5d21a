package io.patgate.replica;

import static io.patgate.support.Api.as;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.patgate.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A notification that never arrives is repaired by the periodic resync, within one interval. */
@QuarkusTest
@TestProfile(LostNotificationTest.ShortResync.class)
class LostNotificationTest {

    public static class ShortResync implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("patgate.state.resync-interval", "1S");
        }
    }

    @Inject
    Pool pool;

    @Test
    void aDroppedNotificationCostsAtMostOneResyncInterval() throws InterruptedException {
        String session = Api.aUser().session();
        Api.Issued token = Api.aToken(session, Map.of());
        as(token.value()).get("/auth/verify").then().statusCode(200);
        // the change is stamped for the feed as usual, but the table is out of the publication while it is decoded, so
        // it rings no replica's doorbell: exactly what a ring lost on the way looks like (no other session ever sees
        // the
        // table out of the publication: it is back before the transaction commits)
        pool.withTransaction(conn -> conn.query("alter publication patgate_feed drop table access_token")
                        .execute()
                        .chain(() -> conn.preparedQuery(
                                        "update access_token set revoked_at = now(), revoked_reason = 'admin'"
                                                + " where id = $1")
                                .execute(Tuple.of(UUID.fromString(token.id()))))
                        .chain(() -> conn.query("alter publication patgate_feed add table access_token")
                                .execute()))
                .await()
                .atMost(Duration.ofSeconds(5));
        long started = System.nanoTime();
        while (as(token.value()).get("/auth/verify").statusCode() != 401) {
            assertTrue(System.nanoTime() - started < 3_000_000_000L, "not repaired within the resync interval");
            Thread.sleep(20);
        }
    }
}
