package io.patgate.replica;

import static io.patgate.support.Api.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.patgate.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Changes made by another replica reach this one through PostgreSQL. "Another replica" writes straight to
 * the database, as a replica's service would, so what is tested is the real path: the trigger's stamp, the
 * commit decoded by this replica's logical replication slot, and the incremental round. The resync interval is
 * 5 s here, so anything faster than that came through the feed.
 */
@QuarkusTest
class PropagationTest {

    @Inject
    Pool pool;

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;

    private void sql(String statement, Object... args) {
        pool.preparedQuery(statement).execute(Tuple.from(args)).await().atMost(Duration.ofSeconds(5));
    }

    /** Milliseconds until {@code path} with {@code bearer} answers {@code status}. */
    private static long millisUntil(String bearer, String path, int status) throws InterruptedException {
        long started = System.nanoTime();
        while (as(bearer).get(path).statusCode() != status) {
            if (System.nanoTime() - started > 4_000_000_000L) {
                throw new AssertionError(path + " never answered " + status);
            }
            Thread.sleep(2);
        }
        return (System.nanoTime() - started) / 1_000_000;
    }

    @Test
    void aRevocationByAnotherReplicaIsRefusedHereWellWithinTheResyncInterval() throws Exception {
        String session = Api.aUser("deploy").session();
        Api.Issued token = Api.aToken(session, Map.of());
        as(token.value()).get("/auth/verify").then().statusCode(200);
        sql(
                "update access_token set revoked_at = now(), revoked_reason = 'owner' where id = $1",
                UUID.fromString(token.id()));
        long ms = millisUntil(token.value(), "/auth/verify", 401);
        assertTrue(ms < 1000, "took " + ms + " ms");
    }

    @Test
    void userChangesAndLogoutsByAnotherReplicaArriveToo() throws Exception {
        Api.TestUser user = Api.aUser("deploy", "devices:read");
        String session = user.session();
        Api.Issued token = Api.aToken(session, Map.of());
        UUID userId = UUID.fromString(user.id());

        sql("update app_user set roles = '{devices:read}', updated_at = now() where id = $1", userId);
        assertTrue(millisUntil(token.value(), "/auth/verify?scope=deploy", 403) < 1000);

        String otherSession = user.session();
        String payload =
                new String(java.util.Base64.getUrlDecoder().decode(otherSession.split("\\.")[1]));
        String otherJti = payload.replaceAll(".*\"jti\":\"([^\"]+)\".*", "$1");
        sql(
                "insert into session_revocation (jti, user_id, expires_at, revoked_at) values ($1, $2, now() + interval '1 hour', now())",
                UUID.fromString(otherJti),
                userId);
        assertTrue(millisUntil(otherSession, "/api/v1/me", 401) < 1000);
        as(session).get("/api/v1/me").then().statusCode(200); // only the session logged out elsewhere

        sql("update app_user set disabled = true, updated_at = now() where id = $1", userId);
        assertTrue(millisUntil(session, "/api/v1/me", 401) < 1000);
        assertTrue(millisUntil(token.value(), "/auth/verify", 401) < 1000);
    }

    @Test
    void aSecondSlotHearsARevocationMadeThroughTheApiWithItsCommitTime() throws Exception {
        String session = Api.aUser().session();
        Api.Issued token = Api.aToken(session, Map.of());
        List<Long> commits = new CopyOnWriteArrayList<>();
        LogicalFeed feed = new LogicalFeed(jdbcUrl, "postgres", "postgres", new LogicalFeed.Listener() {
            @Override
            public void opened(boolean again) {}

            @Override
            public void committed(long epochMicros, long endLsn) {
                commits.add(epochMicros);
            }
        });
        feed.open();
        feed.start();
        try {
            long before = System.currentTimeMillis() * 1000;
            as(session).delete("/api/v1/tokens/" + token.id()).then().statusCode(204);
            long after = System.currentTimeMillis() * 1000;
            long deadline = System.nanoTime() + 2_000_000_000L;
            // the commit's time on the primary's clock (the same clock here) lies between the request and its answer
            java.util.function.LongPredicate revocation = at -> at >= before - 1000 && at <= after + 1000;
            while (commits.stream().noneMatch(revocation::test) && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertTrue(
                    commits.stream().anyMatch(revocation::test),
                    "heard commits at " + commits + ", revoked between " + before + " and " + after);
        } finally {
            feed.stop();
        }
        RestAssured.given()
                .header("Authorization", "Bearer " + token.value())
                .get("/auth/verify")
                .then()
                .statusCode(401);
    }

    @Test
    void noDatabaseFunctionNotifies() {
        // NOTIFY serialises every committing transaction that sends one: the feed is logical replication instead
        long notifying = pool.query("select count(*) from pg_proc p join pg_namespace n on n.oid = p.pronamespace"
                        + " where n.nspname = current_schema() and p.prosrc ilike '%pg_notify%'")
                .execute()
                .await()
                .atMost(Duration.ofSeconds(5))
                .iterator()
                .next()
                .getLong(0);
        assertEquals(0, notifying);
    }
}
