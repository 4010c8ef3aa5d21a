package io.patgate.replica;

import static io.patgate.support.Api.isProblem;
import static io.patgate.support.Eventually.eventually;
import static org.hamcrest.Matchers.*;
import static org.junit.jupiter.api.Assertions.*;

import io.patgate.support.Api;
import io.patgate.support.Postgres;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL stopped and started again under a running service: the gate stays up, writes fail fast,
 * and everything recovers by itself.
 */
@QuarkusTest
class DatabaseOutageTest {

    @Inject
    Pool pool;

    @Inject
    io.patgate.identity.IdentityState state;

    @Test
    void theGateOutlivesTheDatabaseAndEverythingRecoversByItself() throws Exception {
        Api.TestUser user = Api.aUser("deploy");
        String session = user.session();
        Api.Issued good = Api.aToken(session, Map.of());
        Api.Issued revoked = Api.aToken(session, Map.of());
        Api.Issued revokedLater = Api.aToken(session, Map.of());
        Api.Issued cold = Api.aToken(session, Map.of());
        Api.as(session).delete("/api/v1/tokens/" + revoked.id()).then().statusCode(204);
        state.removeToken(UUID.fromString(cold.id())); // outside the working set, as if evicted

        double failuresBefore = Api.metric("patgate_state_sync_failures_total");
        Postgres.stop();
        try {
            // checks answer from memory
            for (int i = 0; i < 20; i++) {
                Api.quick(good.value()).get("/auth/verify").then().statusCode(200);
                Api.quick(good.value())
                        .header("X-Forwarded-For", "198.51.100.9")
                        .get("/api/v1/me")
                        .then()
                        .statusCode(200);
                Api.quick(session).get("/auth/verify").then().statusCode(200);
                Api.quick(revoked.value()).get("/auth/verify").then().statusCode(401);
            }
            // a token outside memory cannot be checked: neither accepted nor called invalid, but 503 with a time to
            // retry
            long coldStarted = System.nanoTime();
            isProblem(Api.quick(cold.value()).get("/auth/verify").then(), 503)
                    .header("Retry-After", "5")
                    .body("type", endsWith("database-unavailable"));
            isProblem(Api.quick(cold.value()).get("/api/v1/me").then(), 503).header("Retry-After", "5");
            assertTrue(
                    Duration.ofNanos(System.nanoTime() - coldStarted).toMillis() < 8000,
                    "a cold check must not hang on the database");
            // writes and logins answer 503 quickly
            long started = System.nanoTime();
            isProblem(
                    Api.quick(session)
                            .contentType(ContentType.JSON)
                            .body(Map.of("name", "during outage"))
                            .post("/api/v1/tokens")
                            .then(),
                    503);
            isProblem(
                    RestAssured.given()
                            .contentType(ContentType.JSON)
                            .body(Map.of("username", user.username(), "password", Api.PASSWORD))
                            .post("/api/v1/auth/login")
                            .then(),
                    503);
            isProblem(Api.quick(session).delete("/api/v1/tokens/" + good.id()).then(), 503);
            assertTrue(Duration.ofNanos(System.nanoTime() - started).toMillis() < 3000, "503s took too long");
            // liveness stays up; readiness stays up but says the database is degraded
            io.patgate.support.Api.management().get("/q/health/live").then().statusCode(200);
            eventually(
                    Duration.ofSeconds(15),
                    () -> io.patgate.support.Api.management()
                            .get("/q/health/ready")
                            .then()
                            .statusCode(200)
                            .body("checks.find { it.name == 'patgate-state' }.data.database", startsWith("degraded")));
            // and the metrics say so
            assertEquals(0, Api.metric("patgate_database_up"));
            eventually(
                    Duration.ofSeconds(15),
                    () -> assertTrue(Api.metric("patgate_state_sync_failures_total") > failuresBefore));
            Api.quick(good.value()).get("/auth/verify").then().statusCode(200);
        } finally {
            Postgres.start();
        }

        // back by itself: writes work again, without a restart of the service
        eventually(
                Duration.ofSeconds(20),
                () -> Api.as(session)
                        .contentType(ContentType.JSON)
                        .body(Map.of("name", "after outage"))
                        .post("/api/v1/tokens")
                        .then()
                        .statusCode(201));
        io.patgate.support.Api.management()
                .get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("checks.find { it.name == 'patgate-state' }.data.database", equalTo("up"));
        assertEquals(1, Api.metric("patgate_database_up"));
        // the cold token is judged again, by one read, now that the database answers
        Api.quick(cold.value()).get("/auth/verify").then().statusCode(200);
        // the subscription is back too: a change written straight to the database (as by another replica) arrives
        pool.preparedQuery("update access_token set revoked_at = now(), revoked_reason = 'admin' where id = $1")
                .execute(Tuple.of(UUID.fromString(revokedLater.id())))
                .await()
                .atMost(Duration.ofSeconds(5));
        eventually(
                Duration.ofSeconds(3),
                () -> Api.quick(revokedLater.value()).get("/auth/verify").then().statusCode(401));
        // the use made during the outage was kept in memory and written once the database came back
        eventually(Duration.ofSeconds(15), () -> {
            var row = pool.preparedQuery(
                            "select coalesce((select array_to_string(recent_ips, ',') from token_usage where token_id = t.id), '') as recent"
                                    + " from access_token t where t.id = $1")
                    .execute(Tuple.of(UUID.fromString(good.id())))
                    .await()
                    .atMost(Duration.ofSeconds(5))
                    .iterator()
                    .next();
            assertTrue(row.getString("recent").contains("127.0.0.1"), "use during the outage was lost");
        });
    }
}
