package io.patgate.web;

import static io.patgate.support.Api.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.patgate.support.Api;
import io.patgate.support.Browser;
import io.patgate.support.BrowserTest;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

/** The whole flow with the keyboard alone, and the pages at 360 px wide. */
@QuarkusTest
class KeyboardAndSmallScreenUiTest extends BrowserTest {

    /** Presses Tab (or Shift+Tab) until the focused element's text or label matches; fails after 40 presses. */
    private static WebElement tabTo(Browser browser, String text, boolean backwards) {
        for (int i = 0; i < 40; i++) {
            Actions keys = new Actions(browser.driver());
            (backwards ? keys.keyDown(Keys.SHIFT).sendKeys(Keys.TAB).keyUp(Keys.SHIFT) : keys.sendKeys(Keys.TAB))
                    .perform();
            WebElement focused = browser.driver().switchTo().activeElement();
            if (text.equals(focused.getText().trim()) || text.equals(focused.getDomAttribute("aria-label"))) {
                return focused;
            }
        }
        fail("Tab never reached '" + text + "'");
        return null;
    }

    private static String focusedLabel(Browser browser) {
        return (String)
                browser.js(
                        "const e = document.activeElement; return e.labels && e.labels.length ? e.labels[0].textContent : e.textContent");
    }

    @Test
    void generateCopyAndRevokeWithTheKeyboardAlone() {
        Api.TestUser kim = Api.aUser("deploy");
        browser.go("/");
        browser.heading("Sign in to patgate");
        assertEquals("Username", focusedLabel(browser), "the sign-in form takes focus");
        new Actions(browser.driver())
                .sendKeys(kim.username())
                .sendKeys(Keys.TAB)
                .sendKeys(Api.PASSWORD)
                .sendKeys(Keys.ENTER)
                .perform();
        browser.heading("Personal access tokens");

        tabTo(browser, "Generate token", false).sendKeys(Keys.ENTER);
        browser.heading("Generate a personal access token");
        assertEquals("Name", focusedLabel(browser), "the form starts at Name");
        new Actions(browser.driver())
                .sendKeys("keyboard-only")
                .sendKeys(Keys.ENTER)
                .perform();

        browser.dialog("Token 'keyboard-only' created");
        assertEquals("Token value", focusedLabel(browser), "focus moves into the dialog, on the value");
        String value = browser.field(browser.top(), "Token value").getDomProperty("value");
        tabTo(browser, "Copy", false).sendKeys(Keys.ENTER);
        browser.waitUntil(d -> browser.text().contains("Copied to the clipboard.")
                        || browser.text().contains("Selected: press Ctrl+C")
                ? true
                : null);
        new Actions(browser.driver()).sendKeys(Keys.ESCAPE).perform();
        browser.waitUntil(d -> browser.dialogOpen() ? null : true);
        as(value).get("/api/v1/me").then().statusCode(200);

        tabTo(browser, "Revoke keyboard-only", false).sendKeys(Keys.ENTER);
        browser.dialog("Revoke 'keyboard-only'?");
        assertEquals(
                "Cancel",
                browser.driver().switchTo().activeElement().getText(),
                "a destructive confirmation starts on Cancel");
        tabTo(browser, "Revoke token", true).sendKeys(Keys.ENTER);
        browser.waitUntil(d -> browser.row("keyboard-only").getText().contains("Revoked") ? true : null);
        as(value).get("/api/v1/me").then().statusCode(401);
        browser.assertNoConsoleErrors();
    }

    @Test
    void everyPageFitsA360PixelScreen() {
        Api.TestUser lee = Api.aUser("deploy", "devices:read");
        String session = lee.session();
        Api.Issued used = Api.aToken(
                session,
                Map.of(
                        "name",
                        "phone-friendly",
                        "description",
                        "Checks the fleet every hour",
                        "allowedCidrs",
                        java.util.List.of("127.0.0.0/8")));
        as(used.value()).get("/api/v1/me").then().statusCode(200);
        Api.aToken(session, Map.of("name", "short-lived", "expiresInDays", 2));
        browser.resize(360, 740);
        browser.go("/");
        signIn(lee.username(), Api.PASSWORD);
        browser.row("phone-friendly");
        assertFits(browser, "token list");
        browser.assertAccessible("token list at 360 px");
        browser.screenshot("mobile-tokens");
        for (String path : new String[] {"/tokens/new", "/profile"}) {
            browser.go(path);
            browser.waitUntil(d -> browser.driver()
                            .findElements(org.openqa.selenium.By.cssSelector("main h1"))
                            .isEmpty()
                    ? null
                    : true);
            assertFits(browser, path);
            browser.assertAccessible(path + " at 360 px");
        }
        browser.go("/tokens/new");
        browser.type(browser.field("Name"), "from-a-phone");
        browser.button("Create token").click();
        browser.dialog("Token 'from-a-phone' created");
        assertFits(browser, "the value dialog");
        browser.screenshot("mobile-shown-once");
        browser.assertNoConsoleErrors();
    }

    private static void assertFits(Browser browser, String what) {
        long overflow =
                ((Number) browser.js("return document.documentElement.scrollWidth - window.innerWidth")).longValue();
        assertTrue(overflow <= 0, what + " is " + overflow + " px wider than a 360 px screen");
    }
}
