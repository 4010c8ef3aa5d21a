package io.patgate.replica;

import io.patgate.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgConnectOptions;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.patgate.support.Api.as;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Changes made by another replica reach this one through PostgreSQL. "Another replica" writes straight to
 * the database, as a replica's service would, so what is tested is the real path: trigger, NOTIFY,
 * LISTEN, and the incremental resync. The resync interval is 5 s here, so anything faster than that
 * came through the notification.
 */
@QuarkusTest
class PropagationTest {

    @Inject
    Pool pool;

    @Inject
    Vertx vertx;

    @ConfigProperty(name = "quarkus.datasource.reactive.url")
    String url;

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
        sql("update access_token set revoked_at = now(), revoked_reason = 'owner' where id = $1", UUID.fromString(token.id()));
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
        String payload = new String(java.util.Base64.getUrlDecoder().decode(otherSession.split("\\.")[1]));
        String otherJti = payload.replaceAll(".*\"jti\":\"([^\"]+)\".*", "$1");
        sql("insert into session_revocation (jti, user_id, expires_at, revoked_at) values ($1, $2, now() + interval '1 hour', now())",
                UUID.fromString(otherJti), userId);
        assertTrue(millisUntil(otherSession, "/api/v1/me", 401) < 1000);
        as(session).get("/api/v1/me").then().statusCode(200); // only the session logged out elsewhere

        sql("update app_user set disabled = true, updated_at = now() where id = $1", userId);
        assertTrue(millisUntil(session, "/api/v1/me", 401) < 1000);
        assertTrue(millisUntil(token.value(), "/auth/verify", 401) < 1000);
    }

    @Test
    void aSecondSubscriberHearsARevocationMadeThroughTheApi() throws Exception {
        String session = Api.aUser().session();
        Api.Issued token = Api.aToken(session, Map.of());
        List<String> heard = new CopyOnWriteArrayList<>();
        PgConnectOptions options = PgConnectOptions.fromUri(url).setUser("postgres").setPassword("postgres");
        PgSubscriber subscriber = PgSubscriber.subscriber(vertx, options);
        subscriber.channel("patgate_changes").handler(heard::add);
        subscriber.connect().await().atMost(Duration.ofSeconds(5));
        try {
            as(session).delete("/api/v1/tokens/" + token.id()).then().statusCode(204);
            long deadline = System.nanoTime() + 2_000_000_000L;
            // "access_token <when the changing transaction began, in epoch seconds>"
            java.util.function.Predicate<String> revocation = p -> p.startsWith("access_token ")
                    && Math.abs(Double.parseDouble(p.substring("access_token ".length())) - System.currentTimeMillis() / 1000.0) < 60;
            while (heard.stream().noneMatch(revocation) && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertTrue(heard.stream().anyMatch(revocation), "heard " + heard);
        } finally {
            subscriber.close().await().atMost(Duration.ofSeconds(5));
        }
        RestAssured.given().header("Authorization", "Bearer " + token.value()).get("/auth/verify").then().statusCode(401);
    }
}
