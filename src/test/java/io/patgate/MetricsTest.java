package io.patgate;

import static io.patgate.support.Api.as;
import static io.patgate.support.Api.metric;
import static io.patgate.support.Eventually.eventually;
import static org.hamcrest.Matchers.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.patgate.support.Api;
import io.patgate.support.Forge;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Each of patgate's own metrics moves when the event it counts happens, and none carries a secret or a name. */
@QuarkusTest
class MetricsTest {

    @Inject
    Pool pool;

    private static String checks(String kind, String outcome) {
        return "patgate_checks_total{kind=\"" + kind + "\",outcome=\"" + outcome + "\"}";
    }

    /** Runs {@code action} and asserts that {@code series} rose by exactly {@code by}. */
    private static void moves(String series, double by, Runnable action) {
        double before = metric(series);
        action.run();
        assertEquals(before + by, metric(series), series);
    }

    @Test
    void everyOutcomeOfTheCheckIsCountedByKind() throws InterruptedException {
        Api.TestUser owner = Api.aUser("deploy");
        String session = owner.session();
        Api.Issued good = Api.aToken(session, Map.of());
        moves(
                checks("pat", "ok"),
                1,
                () -> as(good.value()).get("/auth/verify").then().statusCode(200));
        moves(
                checks("session", "ok"),
                1,
                () -> as(session).get("/auth/verify").then().statusCode(200));
        moves(
                checks("pat", "missing_scope"),
                1,
                () -> as(good.value())
                        .queryParam("scope", "admin")
                        .get("/auth/verify")
                        .then()
                        .statusCode(403));
        moves(
                checks("unrecognised", "forged"),
                1,
                () -> as("not-a-token").get("/auth/verify").then().statusCode(401));
        moves(
                checks("unrecognised", "forged"),
                1,
                () -> as(Forge.tamperedPayload(
                                good.value(), "sub", UUID.randomUUID().toString()))
                        .get("/auth/verify")
                        .then()
                        .statusCode(401));

        Api.Issued fenced = Api.aToken(session, Map.of("allowedCidrs", List.of("203.0.113.0/24")));
        moves(
                checks("pat", "outside_networks"),
                1,
                () -> as(fenced.value()).get("/auth/verify").then().statusCode(401));

        Api.Issued revoked = Api.aToken(session, Map.of());
        as(session).delete("/api/v1/tokens/" + revoked.id()).then().statusCode(204);
        moves(
                checks("pat", "revoked"),
                1,
                () -> as(revoked.value()).get("/auth/verify").then().statusCode(401));

        Api.Issued expired = Api.aToken(session, Map.of());
        pool.preparedQuery("update access_token set expires_at = now() - interval '1 second' where id = $1")
                .execute(Tuple.of(UUID.fromString(expired.id())))
                .await()
                .atMost(Duration.ofSeconds(5));
        eventually(
                Duration.ofSeconds(3),
                () -> as(expired.value()).get("/auth/verify").then().statusCode(401));
        moves(
                checks("pat", "expired"),
                1,
                () -> as(expired.value()).get("/auth/verify").then().statusCode(401));

        as(Api.adminSession())
                .contentType(ContentType.JSON)
                .body(Map.of("disabled", true))
                .patch("/api/v1/users/" + owner.id())
                .then()
                .statusCode(200);
        // disabling through the API revokes the account's tokens too
        moves(
                checks("pat", "revoked"),
                1,
                () -> as(good.value()).get("/auth/verify").then().statusCode(401));
        moves(
                checks("session", "owner_disabled"),
                1,
                () -> as(session).get("/auth/verify").then().statusCode(401));
        // an account disabled by other means (another replica mid-way, an operator's SQL): its tokens are refused for
        // the owner
        Api.TestUser other = Api.aUser("deploy");
        Api.Issued othersToken = Api.aToken(other.session(), Map.of());
        pool.preparedQuery("update app_user set disabled = true where id = $1")
                .execute(Tuple.of(UUID.fromString(other.id())))
                .await()
                .atMost(Duration.ofSeconds(5));
        eventually(
                Duration.ofSeconds(3),
                () -> as(othersToken.value()).get("/auth/verify").then().statusCode(401));
        moves(
                checks("pat", "owner_disabled"),
                1,
                () -> as(othersToken.value()).get("/auth/verify").then().statusCode(401));
    }

    @Test
    void checkLatencyLoginsAndTheStateInMemoryAreVisible() {
        Api.TestUser user = Api.aUser("deploy");
        moves("patgate_logins_total{outcome=\"succeeded\"}", 1, () -> Api.login(user.username(), Api.PASSWORD));
        // failed and throttled logins: AbuseTest, behind a proxy, so that its failures do not lock this client's
        // address
        moves(
                "patgate_check_duration_seconds_count",
                1,
                () -> as(user.session()).get("/auth/verify").then().statusCode(200));
        double tokens = metric("patgate_state_tokens");
        Api.aToken(user.session(), Map.of());
        assertEquals(tokens + 1, metric("patgate_state_tokens"), "a new token is in memory");
        assertTrue(metric("patgate_state_users") >= 2);
        assertEquals(1, metric("patgate_database_up"));
        double age = metric("patgate_state_sync_age_seconds");
        assertTrue(age >= 0 && age < 30, "the last sync was " + age + " s ago");
        String text = Api.management()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertTrue(text.contains("patgate_usage_backlog "), "the last-used backlog is published");
        assertTrue(text.contains("patgate_state_revoked_sessions "));
        assertTrue(text.contains("patgate_state_sync_failures_total "));
        assertFalse(text.contains(user.username()), "no user name in any label");
    }

    @Test
    void aChangeMadeElsewhereReportsHowLongItTookToArrive() throws InterruptedException {
        Api.Issued token = Api.aToken(Api.aUser("deploy").session(), Map.of());
        double before = metric("patgate_feed_lag_seconds_count");
        // as another replica would: straight into the database
        pool.preparedQuery("update access_token set revoked_at = now(), revoked_reason = 'admin' where id = $1")
                .execute(Tuple.of(UUID.fromString(token.id())))
                .await()
                .atMost(Duration.ofSeconds(5));
        eventually(
                Duration.ofSeconds(3),
                () -> as(token.value()).get("/auth/verify").then().statusCode(401));
        eventually(Duration.ofSeconds(3), () -> assertTrue(metric("patgate_feed_lag_seconds_count") > before));
        assertTrue(
                metric("patgate_feed_lag_seconds_max") < 5,
                "a change on a healthy database arrives in well under a second");
    }
}
