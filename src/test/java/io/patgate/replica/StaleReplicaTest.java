package io.patgate.replica;

import static io.patgate.support.Eventually.eventually;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.patgate.support.Api;
import io.patgate.support.Postgres;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A replica cut off from its database fails closed once its state is older than the bound: it could be
 * missing a revocation made on a replica that still reaches the database. (Here the bound is 3 s.)
 */
@QuarkusTest
@TestProfile(StaleReplicaTest.ShortBound.class)
class StaleReplicaTest {

    public static class ShortBound implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "patgate.state.max-staleness",
                    "3S",
                    "patgate.state.resync-interval",
                    "1S",
                    "patgate.state.database-timeout",
                    "1S");
        }
    }

    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;

    @Test
    void pastTheBoundChecksFailClosedAndReadinessGoesDownThenAllRecovers() throws Exception {
        Api.TestUser user = Api.aUser("deploy");
        Api.Issued token = Api.aToken(user.session(), Map.of());
        Api.quick(token.value()).get("/auth/verify").then().statusCode(200);

        Postgres.freeze();
        try {
            // within the bound the gate goes on from memory
            Api.quick(token.value()).get("/auth/verify").then().statusCode(200);
            eventually(
                    Duration.ofSeconds(15),
                    () -> Api.quick(token.value())
                            .get("/auth/verify")
                            .then()
                            .statusCode(503)
                            .contentType("application/problem+json")
                            .body("type", equalTo("urn:patgate:problem:state-stale")));
            Api.quick(token.value())
                    .get("/api/v1/me")
                    .then()
                    .statusCode(503)
                    .contentType("application/problem+json")
                    .body("type", equalTo("urn:patgate:problem:state-stale"));
            // a header the client got wrong is its own fault, stale replica or not: 401 from the API as from
            // /auth/verify
            // (it was 503 from the API alone: the two read the header in a different order)
            for (String path : new String[] {"/api/v1/me", "/auth/verify"}) {
                given().header("Authorization", "Token " + token.value())
                        .get(path)
                        .then()
                        .statusCode(401)
                        .contentType("application/problem+json")
                        .body("type", equalTo("urn:patgate:problem:unauthorized"));
            }
            Api.quick(token.value())
                    .contentType(io.restassured.http.ContentType.URLENC)
                    .formParam("token", token.value())
                    .post("/oauth/introspect")
                    .then()
                    .statusCode(503)
                    .contentType("application/problem+json")
                    .body("type", equalTo("urn:patgate:problem:state-stale"));
            io.patgate.support.Api.management().get("/q/health/ready").then().statusCode(503);
            io.patgate.support.Api.management().get("/q/health/live").then().statusCode(200);
        } finally {
            Postgres.thaw();
        }
        eventually(
                Duration.ofSeconds(20),
                () -> Api.quick(token.value()).get("/auth/verify").then().statusCode(200));
        io.patgate.support.Api.management().get("/q/health/ready").then().statusCode(200);
    }

    /**
     * The bound is the heartbeat's, not this replica's: with the heartbeat row held (beats skip it), every round still
     * succeeds and the database is up, yet the state includes no newer beat, exactly what a standby that stopped
     * replaying looks like to the replicas reading it. Past the bound the replica fails closed all the same.
     */
    @Test
    void roundsThatSucceedButBringNoNewerHeartbeatFailClosedAtTheBound() throws Exception {
        Api.TestUser user = Api.aUser("deploy");
        Api.Issued token = Api.aToken(user.session(), Map.of());
        Api.quick(token.value()).get("/auth/verify").then().statusCode(200);
        try (java.sql.Connection held = java.sql.DriverManager.getConnection(jdbcUrl, "postgres", "postgres")) {
            held.setAutoCommit(false);
            // how old the newest beat this replica holds is, just before the row is taken (the feed may still bring one
            // more, which only makes it stale later)
            double ageAtHold = Api.metric("patgate_state_sync_age_seconds");
            held.createStatement().execute("select * from patgate_heartbeat for update");
            long heldAt = System.nanoTime();
            Api.quick(token.value()).get("/auth/verify").then().statusCode(200);
            eventually(
                    Duration.ofSeconds(15),
                    () -> Api.quick(token.value())
                            .get("/auth/verify")
                            .then()
                            .statusCode(503)
                            .contentType("application/problem+json")
                            .body("type", equalTo("urn:patgate:problem:state-stale")));
            long staleAfter = Duration.ofNanos(System.nanoTime() - heldAt).toMillis();
            // stale once the newest beat it holds is the bound (3 s) old, not sooner: that beat's age when the row was
            // taken plus the time since (less the moment between reading the age and taking the row)
            long beatAge = Math.round(ageAtHold * 1000) + staleAfter;
            org.junit.jupiter.api.Assertions.assertTrue(
                    beatAge >= 2800,
                    "stale after " + staleAfter + " ms with its newest beat " + Math.round(ageAtHold * 1000)
                            + " ms old when the row was taken: " + beatAge + " ms, before the bound");
            org.junit.jupiter.api.Assertions.assertEquals(
                    1, Api.metric("patgate_database_up"), "the rounds kept succeeding");
            io.patgate.support.Api.management().get("/q/health/ready").then().statusCode(503);
            held.rollback();
        }
        eventually(
                Duration.ofSeconds(10),
                () -> Api.quick(token.value()).get("/auth/verify").then().statusCode(200));
        io.patgate.support.Api.management().get("/q/health/ready").then().statusCode(200);
    }
}
