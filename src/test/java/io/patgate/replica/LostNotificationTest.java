package io.patgate.replica;

import io.patgate.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static io.patgate.support.Api.as;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        // the change is stamped for the feed as usual, but with triggers off its notification is never sent:
        // exactly what a notification lost on the way looks like to the replicas
        pool.withTransaction(conn -> conn.query("set local session_replication_role = replica").execute()
                        .chain(() -> conn.preparedQuery("update access_token set revoked_at = now(), revoked_reason = 'admin',"
                                + " change_xid = pg_current_xact_id() where id = $1").execute(Tuple.of(UUID.fromString(token.id())))))
                .await().atMost(Duration.ofSeconds(5));
        long started = System.nanoTime();
        while (as(token.value()).get("/auth/verify").statusCode() != 401) {
            assertTrue(System.nanoTime() - started < 3_000_000_000L, "not repaired within the resync interval");
            Thread.sleep(20);
        }
    }
}
