package io.patgate.web;

import static io.patgate.support.Api.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.patgate.support.Api;
import io.patgate.support.BrowserTest;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** Signing in and out of the web UI, in a real browser. */
@QuarkusTest
class SignInUiTest extends BrowserTest {

    @Test
    void aWrongPasswordIsExplainedOnTheFormAndTheRightOneSignsIn() {
        Api.TestUser alice = Api.aUser("deploy");
        browser.go("/");
        browser.heading("Sign in to patgate");
        browser.assertAccessible("sign-in page");
        browser.screenshot("sign-in");

        signIn(alice.username(), "not the password");
        browser.waitForText("The username or password is wrong.");
        assertEquals(
                "", browser.field("Password").getDomProperty("value"), "a refused password is not left in the field");

        signIn(alice.username(), Api.PASSWORD);
        browser.heading("Personal access tokens");
        assertTrue(browser.text().contains("Signed in as " + alice.username()));
        browser.assertNoConsoleErrors(401);
    }

    @Test
    void aReloadKeepsThePersonSignedInAndSignOutEndsTheSessionOnTheServer() {
        Api.TestUser bob = Api.aUser();
        browser.go("/tokens");
        signIn(bob.username(), Api.PASSWORD);
        browser.heading("Personal access tokens");

        browser.driver().navigate().refresh();
        browser.heading("Personal access tokens");
        String session = (String) browser.js("return JSON.parse(sessionStorage.getItem('patgate.session')).token");
        assertNotNull(session);
        assertNull(
                browser.js("return localStorage.getItem('patgate.session')"), "the session never goes to localStorage");
        assertEquals("", browser.js("return document.cookie"), "no cookie carries the session");
        as(session).get("/api/v1/me").then().statusCode(200);

        browser.button("Sign out").click();
        browser.heading("Sign in to patgate");
        browser.waitForText("You have signed out.");
        as(session).get("/api/v1/me").then().statusCode(401);
        assertNull(browser.js("return sessionStorage.getItem('patgate.session')"));
        browser.assertNoConsoleErrors();
    }

    @Test
    void whenTheSessionEndsThePageSaysSoAndReturnsToSignIn() {
        Api.TestUser carol = Api.aUser();
        browser.go("/");
        signIn(carol.username(), Api.PASSWORD);
        browser.heading("Personal access tokens");
        String session = (String) browser.js("return JSON.parse(sessionStorage.getItem('patgate.session')).token");
        // the session ends elsewhere (a logout from another tab, an admin's reset...)
        as(session).post("/api/v1/auth/logout").then().statusCode(204);

        browser.link("Profile").click();
        browser.heading("Sign in to patgate");
        browser.waitForText("Your session has ended. Sign in again to continue.");
        assertFalse(browser.text().contains("Signed in as"));
    }
}
