package io.patgate.replica;

import static io.patgate.support.Eventually.eventually;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.patgate.support.Api;
import io.patgate.support.SecondReplica;
import io.patgate.support.Standby;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A replica that reads a hot standby ({@code patgate.datasource.read-url}) beside the packaged application that reads the
 * primary. While the standby replays, both agree; when it stops replaying, the standby's replica
 * <ul>
 *   <li>still accepts a token created on the primary a moment ago (the standby never shows it: the look-up goes on to
 *       the primary before refusing it), and</li>
 *   <li>never accepts a token revoked on the primary later than the bound after the revocation, and fails closed
 *       (503 {@code state-stale}) once its newest heartbeat is older than the bound.</li>
 * </ul>
 * The bound is the production default (10 s), set here over the test profile's.
 */
@QuarkusIntegrationTest
class StandbyReadsIT {

    private static final int PORT = 8085;
    private static final int MANAGEMENT_PORT = 9005;
    private static final long BOUND_MILLIS = 10_000;

    private static int verify(String bearer) {
        return given().port(PORT)
                .header("Authorization", "Bearer " + bearer)
                .get("/auth/verify")
                .statusCode();
    }

    @Test
    void aStandbyThatStopsIsTrustedOnlyUpToTheBoundAndNewTokensAreReadFromThePrimary() throws Exception {
        try (Standby standby = Standby.start("reads", 55433);
                SecondReplica near = SecondReplica.start(
                        "standby-reader",
                        PORT,
                        MANAGEMENT_PORT,
                        Map.of(
                                "patgate.datasource.read-url",
                                standby.url(),
                                "patgate.state.max-staleness",
                                BOUND_MILLIS / 1000 + "S"))) {
            String session = Api.aUser("deploy").session();
            Api.Issued kept = Api.aToken(session, Map.of());
            Api.Issued revoked = Api.aToken(session, Map.of());
            eventually(
                    Duration.ofSeconds(10),
                    () -> org.junit.jupiter.api.Assertions.assertEquals(200, verify(kept.value())));
            eventually(
                    Duration.ofSeconds(10),
                    () -> org.junit.jupiter.api.Assertions.assertEquals(200, verify(revoked.value())));

            standby.pauseReplay();
            // read-your-writes: made on the primary after the standby stopped, so the standby will not show it
            Api.Issued fresh = Api.aToken(session, Map.of());
            org.junit.jupiter.api.Assertions.assertEquals(
                    200, verify(fresh.value()), "a token just made is not refused for the standby's lag");

            Api.as(session).delete("/api/v1/tokens/" + revoked.id()).then().statusCode(204);
            long revokedAt = System.currentTimeMillis();
            // until the bound the standby's replica may still accept it (it cannot know); never after it
            while (System.currentTimeMillis() - revokedAt < BOUND_MILLIS + 3000) {
                int status = verify(revoked.value());
                long since = System.currentTimeMillis() - revokedAt;
                if (since > BOUND_MILLIS) {
                    assertNotEquals(200, status, "a token revoked " + since + " ms ago was accepted");
                }
                Thread.sleep(20);
            }
            given().port(PORT)
                    .header("Authorization", "Bearer " + kept.value())
                    .get("/auth/verify")
                    .then()
                    .statusCode(503)
                    .body("type", equalTo("urn:patgate:problem:state-stale"));
            given().port(MANAGEMENT_PORT).get("/q/health/ready").then().statusCode(503);

            standby.resumeReplay();
            eventually(
                    Duration.ofSeconds(15),
                    () -> org.junit.jupiter.api.Assertions.assertEquals(200, verify(kept.value())));
            org.junit.jupiter.api.Assertions.assertEquals(401, verify(revoked.value()));
            org.junit.jupiter.api.Assertions.assertEquals(200, verify(fresh.value()));
        }
    }
}
