package io.patgate.web;

import static io.restassured.RestAssured.given;

import io.patgate.support.BehindAProxy;
import io.patgate.support.BrowserTest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A throttled sign-in, explained on the form. Behind the test proxy, so the failed logins that lock the
 * username come from addresses of their own and never lock out the address every other test uses.
 */
@QuarkusTest
@TestProfile(BehindAProxy.class)
class ThrottledSignInUiTest extends BrowserTest {

    @Test
    void aThrottledSignInSaysHowLongToWait() {
        String name = "throttled-" + UUID.randomUUID().toString().substring(0, 8);
        browser.go("/");
        browser.type(browser.field("Username"), name);
        browser.type(browser.field("Password"), "still wrong");
        // ten failures lock the username for a second; the form is filled in already, so the click lands within it
        for (int i = 0; i < 10; i++) {
            given().header("X-Forwarded-For", "198.51.100." + (i + 1))
                    .contentType("application/json")
                    .body(Map.of("username", name, "password", "wrong password " + i))
                    .post("/api/v1/auth/login")
                    .then()
                    .statusCode(401);
        }
        browser.button("Sign in").click();
        browser.waitUntil(
                d -> browser.text().matches("(?s).*Too many failed sign-ins\\. Wait \\d+ seconds?, then try again\\..*")
                        ? true
                        : null);
        browser.assertNoConsoleErrors(429);
    }
}
