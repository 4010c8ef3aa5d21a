package io.patgate.support;

import io.quarkus.test.common.http.TestHTTPResource;
import java.net.URL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A test that looks at patgate through a fresh browser of its own, opened before and closed after each test. */
public abstract class BrowserTest {

    @TestHTTPResource("/")
    protected URL base;

    protected Browser browser;

    @BeforeEach
    void openBrowser() {
        browser = Browser.open(base);
    }

    @AfterEach
    void closeBrowser() {
        browser.close();
    }

    /** Fills in the sign-in form and presses Sign in. */
    protected void signIn(String username, String password) {
        browser.type(browser.field("Username"), username);
        browser.type(browser.field("Password"), password);
        browser.button("Sign in").click();
    }
}
