package io.patgate.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.patgate.support.Api;
import io.patgate.support.BrowserTest;
import io.patgate.support.SsoClient;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/** The sign-in page's `Sign in with <provider>` in Chromium, through the real provider's login form and back. */
@QuarkusTest
class SingleSignOnUiTest extends BrowserTest {

    /** At the provider's login form: who signs in, with which claims. */
    private void signInAtTheProvider(String username, String claims) {
        browser.waitUntil(d -> d.getCurrentUrl().startsWith("http://localhost:8089/"));
        browser.type(browser.driver().findElement(By.name("username")), username);
        browser.setValue(browser.driver().findElement(By.name("claims")), claims);
        browser.driver().findElement(By.cssSelector("form [type=submit]")).click();
    }

    @Test
    void theProviderButtonSignsInAndAnAdminGroupShowsTheAdminPages() {
        String name = "sso-" + UUID.randomUUID().toString().substring(0, 8);
        browser.go("/tokens/new");
        browser.heading("Sign in to patgate");
        browser.link("Sign in with Mock SSO");
        browser.assertAccessible("sign-in page with single sign-on");
        browser.screenshot("sign-in-sso");

        browser.link("Sign in with Mock SSO").click();
        signInAtTheProvider(name, SsoClient.claims(name, List.of("patgate-admins", "deploy")));
        browser.heading("Generate a personal access token"); // back where the sign-in started
        assertTrue(browser.text().contains("Signed in as " + name));
        assertFalse(browser.url().contains("sso="), "the one-time code is gone from the address bar: " + browser.url());
        browser.link("Users"); // the admin bar: the mapped group made an admin
        String stored = (String) browser.js("return sessionStorage.getItem('patgate.session')");
        assertTrue(stored != null && stored.contains("token"), "the session is where a password sign-in puts it");
        assertEquals("", browser.js("return document.cookie"), "no cookie the page can read");
        // the provider's own login page asks for a web font this offline machine cannot fetch: only patgate's page is
        // judged
        List<String> ours = browser.console().stream()
                .map(e -> e.getMessage())
                .filter(m -> !m.contains("fonts.googleapis.com") && !m.contains("localhost:8089"))
                .filter(m -> m.contains("localhost:8081"))
                .toList();
        assertEquals(List.of(), ours, "no console errors from patgate's page");
    }

    @Test
    void aRefusalIsExplainedOnTheSignInPage() {
        Api.TestUser local = Api.aUser();
        browser.go("/");
        browser.link("Sign in with Mock SSO").click();
        signInAtTheProvider(local.username(), SsoClient.claims(local.username(), List.of()));
        browser.heading("Sign in to patgate");
        browser.waitForText("already exists in patgate and signs in with a password");
        browser.assertAccessible("sign-in page with a refused single sign-on");
        // the password form is still there for that account
        signIn(local.username(), Api.PASSWORD);
        browser.heading("Personal access tokens");
    }
}
