package io.patgate.web;

import static io.patgate.support.Api.isProblem;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.*;

import io.patgate.support.Api;
import io.patgate.support.BehindAProxy;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Abuse limits. Behind a (trusted, test) proxy, so each test can be its own client address. */
@QuarkusTest
@TestProfile(BehindAProxy.class)
class AbuseTest {

    @jakarta.inject.Inject
    io.patgate.account.HashingPermits hashing;

    private static io.restassured.response.ValidatableResponse login(String ip, String username, String password) {
        return given().header("X-Forwarded-For", ip)
                .contentType(ContentType.JSON)
                .body(Map.of("username", username, "password", password))
                .post("/api/v1/auth/login")
                .then();
    }

    @Test
    void theEleventhFailedLoginIs429WithRetryAfterAndSuccessResets() throws InterruptedException {
        Api.TestUser user = Api.aUser();
        double throttledBefore = Api.metric("patgate_throttled_requests_total");
        double loginsThrottledBefore = Api.metric("patgate_logins_total{outcome=\"throttled\"}");
        double failedBefore = Api.metric("patgate_logins_total{outcome=\"failed\"}");
        for (int i = 0; i < 10; i++) {
            isProblem(login("192.0.2.50", user.username(), "wrong-password-" + i), 401);
        }
        isProblem(login("192.0.2.50", user.username(), Api.PASSWORD), 429)
                .header("Retry-After", matchesPattern("\\d+"));
        // the address is locked for any username, the username for any address
        isProblem(login("192.0.2.50", "someone-else", "whatever-password"), 429);
        isProblem(login("192.0.2.51", user.username(), Api.PASSWORD), 429);
        // the on-call sees it: three refusals, counted as throttled logins and throttled requests
        org.junit.jupiter.api.Assertions.assertEquals(
                throttledBefore + 3, Api.metric("patgate_throttled_requests_total"));
        org.junit.jupiter.api.Assertions.assertEquals(
                loginsThrottledBefore + 3, Api.metric("patgate_logins_total{outcome=\"throttled\"}"));
        org.junit.jupiter.api.Assertions.assertEquals(
                failedBefore + 10, Api.metric("patgate_logins_total{outcome=\"failed\"}"));
        // a username lock is short (one minute at most): the real user gets back in
        Thread.sleep(1_200);
        login("192.0.2.51", user.username(), Api.PASSWORD).statusCode(200);
        isProblem(login("192.0.2.51", user.username(), "wrong-again"), 401);
    }

    @Test
    void aLoginThatGetsNoTurnToHashIs503BusyAndIsNotCountedAsAFailedAttempt() throws Exception {
        Api.TestUser user = Api.aUser();
        // every turn to hash a password taken, as by a burst of logins elsewhere
        int turns = hashing.maxConcurrent();
        java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(turns);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.ExecutorService holders = java.util.concurrent.Executors.newFixedThreadPool(turns);
        try {
            for (int i = 0; i < turns; i++) {
                holders.submit(() -> hashing.hash(() -> {
                    held.countDown();
                    try {
                        return release.await(60, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return false;
                    }
                }));
            }
            org.junit.jupiter.api.Assertions.assertTrue(held.await(10, java.util.concurrent.TimeUnit.SECONDS));
            isProblem(login("192.0.2.70", user.username(), Api.PASSWORD), 503)
                    .header("Retry-After", "2")
                    .body("type", endsWith(":busy"))
                    .body("detail", containsString("try again"));
        } finally {
            release.countDown();
            holders.shutdown();
        }
        // the refused login was no attempt: all ten failures the throttle allows are still there, then it locks
        for (int i = 0; i < 10; i++) {
            isProblem(login("192.0.2.70", user.username(), "wrong-password-" + i), 401);
        }
        isProblem(login("192.0.2.70", user.username(), Api.PASSWORD), 429);
    }

    @Test
    void leakReportsAreThrottledPerAddress() {
        for (int i = 0; i < 20; i++) {
            given().header("X-Forwarded-For", "192.0.2.60")
                    .contentType(ContentType.URLENC)
                    .formParam("token", "junk-" + i)
                    .post("/oauth/revoke")
                    .then()
                    .statusCode(200);
        }
        isProblem(
                        given().header("X-Forwarded-For", "192.0.2.60")
                                .contentType(ContentType.URLENC)
                                .formParam("token", "junk")
                                .post("/oauth/revoke")
                                .then(),
                        429)
                .header("Retry-After", matchesPattern("\\d+"));
        given().header("X-Forwarded-For", "192.0.2.61")
                .contentType(ContentType.URLENC)
                .formParam("token", "junk")
                .post("/oauth/revoke")
                .then()
                .statusCode(200);
    }

    @Test
    void anIpv6ClientCannotRotateThroughItsSlash64ForFreshBuckets() {
        for (int i = 1; i <= 10; i++) {
            isProblem(login("2001:db8:77:1::" + Integer.toHexString(i), "sprayed-" + i, "wrong-password"), 401);
        }
        // a new address, a new username: the same /64, so the same bucket
        isProblem(login("2001:db8:77:1:ffff::1", "sprayed-11", "wrong-password"), 429);
        // the next /64 is someone else
        isProblem(login("2001:db8:77:2::1", "sprayed-12", "wrong-password"), 401);
    }

    @Test
    void deeplyNestedJsonIs400() {
        String deep = "{\"username\":" + "[".repeat(200) + "]".repeat(200) + ",\"password\":\"x\"}";
        isProblem(
                        given().contentType(ContentType.JSON)
                                .body(deep)
                                .post("/api/v1/auth/login")
                                .then(),
                        400)
                .body(not(containsString("Exception")));
    }
}
