package io.patgate.support;

import io.quarkus.test.common.http.TestHTTPResource;
import java.net.URL;
import org.junit.jupiter.api.BeforeEach;

/** A test that looks at patgate through a browser as fresh as a new one ({@link Browser#forTest}), for each test. */
public abstract class BrowserTest {

    @TestHTTPResource("/")
    protected URL base;

    protected Browser browser;

    @BeforeEach
    void openBrowser() {
        browser = Browser.forTest(base);
    }

    /** Fills in the sign-in form and presses Sign in. */
    protected void signIn(String username, String password) {
        browser.type(browser.field("Username"), username);
        browser.type(browser.field("Password"), password);
        browser.button("Sign in").click();
    }
}
