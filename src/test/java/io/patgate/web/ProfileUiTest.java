package io.patgate.web;

import static io.patgate.support.Api.as;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.patgate.support.Api;
import io.patgate.support.BrowserTest;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A person changes their own password on the Profile page. */
@QuarkusTest
class ProfileUiTest extends BrowserTest {

    @Test
    void changingThePasswordEndsOtherSessionsAndKeepsThisOneAndTheTokens() {
        Api.TestUser gina = Api.aUser("deploy");
        String otherSession = gina.session();
        Api.Issued token = Api.aToken(otherSession, Map.of());
        browser.go("/");
        signIn(gina.username(), Api.PASSWORD);
        browser.link("Profile").click();
        browser.heading("Profile");
        assertTrue(browser.text().contains(gina.username()));
        assertTrue(browser.text().contains("deploy"));
        browser.assertAccessible("profile");
        browser.screenshot("profile");

        browser.type(browser.field("Current password"), "not my password");
        browser.type(browser.field("New password"), "a brand new passphrase");
        browser.button("Change password").click();
        browser.waitForText("Current password is wrong");

        browser.type(browser.field("Current password"), Api.PASSWORD);
        browser.type(browser.field("New password"), "short");
        browser.button("Change password").click();
        browser.waitForText("New password must be at least 8 characters");

        browser.type(browser.field("Current password"), Api.PASSWORD);
        browser.type(browser.field("New password"), "a brand new passphrase");
        browser.button("Change password").click();
        browser.waitForText("Your password was changed.");

        as(otherSession).get("/api/v1/me").then().statusCode(401);
        as(token.value()).get("/api/v1/me").then().statusCode(200);
        Api.login(gina.username(), "a brand new passphrase");
        // this browser's session goes on
        browser.link("Tokens").click();
        browser.heading("Personal access tokens");
        browser.row(
                as(token.value()).get("/api/v1/tokens/self").then().extract().path("name"));
        browser.assertNoConsoleErrors(403, 400);
    }
}
