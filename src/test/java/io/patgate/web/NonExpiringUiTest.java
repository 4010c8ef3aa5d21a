package io.patgate.web;

import static io.patgate.support.Api.as;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.patgate.support.Api;
import io.patgate.support.BrowserTest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/** Where the policy allows tokens that never expire (and caps lifetimes at 90 days), the form follows it. */
@QuarkusTest
@TestProfile(NonExpiringUiTest.Permissive.class)
class NonExpiringUiTest extends BrowserTest {

    public static class Permissive implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("patgate.tokens.allow-non-expiring", "true", "patgate.tokens.max-lifetime", "P90D");
        }
    }

    @Test
    void noExpirationIsOfferedWithAWarningAndPresetsStopAtTheMaximum() {
        Api.TestUser hal = Api.aUser("deploy");
        browser.go("/tokens/new");
        signIn(hal.username(), Api.PASSWORD);
        browser.heading("Generate a personal access token");
        List<String> options = browser.field("Expiration").findElements(By.tagName("option")).stream()
                .map(WebElement::getText)
                .toList();
        assertEquals(
                List.of("7 days", "30 days", "60 days", "90 days", "Custom…", "No expiration"),
                options,
                "1 year is past the 90-day maximum");
        browser.type(browser.field("Name"), "forever");
        browser.select(browser.field("Expiration"), "No expiration");
        browser.waitForText("This token will never expire.");
        assertTrue(browser.text().contains("A token that never expires stays valid until someone revokes it."));
        browser.screenshot("generate-no-expiration");
        browser.button("Create token").click();
        browser.dialog("Token 'forever' created");
        browser.button(browser.top(), "Copy").click();
        browser.button(browser.top(), "Done").click();
        browser.waitUntil(d -> browser.dialogOpen() ? null : true);
        assertTrue(browser.row("forever").getText().contains("Never"));
        as(hal.session()).get("/api/v1/tokens?q=forever").then().statusCode(200).body("[0].expiresAt", nullValue());
        assertFalse(browser.text().contains("Expiring soon"));
        browser.assertNoConsoleErrors();
    }
}
