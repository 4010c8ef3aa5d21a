package io.patgate.web;

import static io.patgate.support.Api.as;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.patgate.support.Api;
import io.patgate.support.BrowserTest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;

/** A person manages their tokens in a real browser, through the labels of the UI contract. */
@QuarkusTest
class TokensUiTest extends BrowserTest {

    private Api.TestUser signedIn(String... roles) {
        Api.TestUser user = Api.aUser(roles);
        browser.go("/");
        signIn(user.username(), Api.PASSWORD);
        browser.heading("Personal access tokens");
        return user;
    }

    /** Where the value could linger in the browser: storage, cookies, the address bar, history. */
    private void assertValueNowhereStored(String value) {
        String everywhere = (String)
                browser.js("return JSON.stringify(localStorage) + JSON.stringify(sessionStorage) + document.cookie"
                        + " + location.href + JSON.stringify(history.state)");
        assertFalse(everywhere.contains(value), "the token value was stored in the browser");
    }

    private String shownValue() {
        WebElement field = browser.field(browser.top(), "Token value");
        assertEquals("true", field.getDomProperty("readOnly"));
        return field.getDomProperty("value");
    }

    private void copyAndClose() {
        browser.button(browser.top(), "Copy").click();
        browser.waitUntil(d -> browser.text().contains("Copied to the clipboard.")
                        || browser.text().contains("Selected: press Ctrl+C")
                ? true
                : null);
        browser.button(browser.top(), "Done").click();
        browser.waitUntil(d -> browser.dialogOpen() ? null : true);
    }

    @Test
    void generateSeeOnceUseEditRegenerateAndRevoke() {
        Api.TestUser alice = signedIn("deploy", "devices:read");
        browser.waitForText("You have no tokens yet");
        browser.assertAccessible("empty token list");
        browser.screenshot("tokens-empty");

        browser.button("Generate token").click();
        browser.heading("Generate a personal access token");
        browser.type(browser.field("Name"), "deploy-bot");
        browser.type(browser.field("Description"), "Deploys from the main branch");
        browser.select(browser.field("Expiration"), "90 days");
        browser.waitForText("This token will expire on");
        browser.field("devices:read").click(); // leave only deploy
        browser.type(browser.field("Allowed networks"), "127.0.0.0/8\n::1/128");
        browser.assertAccessible("generate form");
        browser.screenshot("generate-form");
        browser.button("Create token").click();

        WebElement shown = browser.dialog("Token 'deploy-bot' created");
        String value = shownValue();
        assertTrue(value.matches("^[\\w-]+\\.[\\w-]+\\.[\\w-]+$"), "a JWT is shown: " + value);
        assertTrue(shown.getText().contains("You will not be able to see it again"));
        assertTrue(
                shown.getText().contains("curl -H \"Authorization: Bearer " + value + "\""),
                "a Bearer example with the value");
        assertTrue(
                shown.getText().contains("curl -u \"" + alice.username() + ":" + value + "\""),
                "a Basic example with user:token");
        assertTrue(shown.getText().contains("secrets.PATGATE_TOKEN"), "a CI job reading the value from a secret");
        assertValueNowhereStored(value);
        browser.assertAccessible("token shown once");
        browser.screenshot("token-shown-once");

        // the value works against the API, with the scopes chosen
        as(value)
                .get("/api/v1/me")
                .then()
                .statusCode(200)
                .body("scopes", contains("deploy"))
                .body("username", equalTo(alice.username()));

        copyAndClose();
        assertFalse(
                browser.driver().getPageSource().contains(value),
                "the value is gone from the page once the dialog closes");
        assertValueNowhereStored(value);

        // a reload shows the row, never the value; the use above shows as last used, with its address
        browser.driver().navigate().refresh();
        WebElement row = browser.row("deploy-bot");
        assertFalse(browser.driver().getPageSource().contains(value));
        assertTrue(row.getText().contains("Deploys from the main branch"));
        assertTrue(row.getText().contains("Active"));
        assertTrue(row.getText().contains("deploy"));
        assertFalse(row.getText().contains("devices:read"));
        assertTrue(row.getText().contains("127.0.0.0/8"));
        assertTrue(row.getText().contains("from 127.0.0.1"), "the origin address of the last use: " + row.getText());
        assertFalse(row.getText().contains("Never"), "it was used: " + row.getText());
        browser.assertAccessible("token list");
        browser.screenshot("tokens");

        // Edit: description and scopes, effective on the next request
        browser.button(row, "Edit").click();
        WebElement edit = browser.dialog("Edit 'deploy-bot'");
        browser.type(browser.field(edit, "Description"), "Deploys and reads devices");
        browser.field(edit, "devices:read").click();
        browser.button(edit, "Save").click();
        browser.waitForText("Saved the changes to 'deploy-bot'.");
        browser.waitUntil(d -> browser.row("deploy-bot").getText().contains("Deploys and reads devices") ? true : null);
        as(value).get("/api/v1/me").then().statusCode(200).body("scopes", contains("deploy", "devices:read"));

        // Regenerate: confirmed, the new value shown once, the old one dead at once
        browser.button(browser.row("deploy-bot"), "Regenerate").click();
        WebElement regenerate = browser.dialog("Regenerate 'deploy-bot'?");
        browser.select(browser.field(regenerate, "Expiration"), "30 days");
        browser.button(regenerate, "Regenerate token").click();
        browser.dialog("New value for 'deploy-bot'");
        String renewed = shownValue();
        assertFalse(renewed.equals(value));
        copyAndClose();
        as(value).get("/api/v1/me").then().statusCode(401);
        as(renewed).get("/api/v1/me").then().statusCode(200);

        // Revoke: the confirmation names the token and says what stops working
        browser.button(browser.row("deploy-bot"), "Revoke").click();
        WebElement confirm = browser.dialog("Revoke 'deploy-bot'?");
        assertTrue(confirm.getText().contains("gets 401 on its next request"));
        browser.button(confirm, "Revoke token").click();
        browser.waitUntil(d -> browser.row("deploy-bot").getText().contains("Revoked") ? true : null);
        as(renewed).get("/api/v1/me").then().statusCode(401);
        assertTrue(browser.row("deploy-bot").getText().contains("by its owner"));
        browser.assertNoConsoleErrors();
    }

    @Test
    void closingWithoutCopyingAsksFirst() {
        signedIn("deploy");
        browser.go("/tokens/new");
        browser.type(browser.field("Name"), "asks-first");
        browser.button("Create token").click();
        browser.dialog("Token 'asks-first' created");
        String value = shownValue();

        browser.button(browser.top(), "Done").click();
        WebElement ask = browser.dialog("Close without copying?");
        browser.button(ask, "Cancel").click();
        assertEquals(value, shownValue(), "going back keeps the value on screen");

        // Escape asks too
        browser.field(browser.top(), "Token value").sendKeys(Keys.ESCAPE);
        ask = browser.dialog("Close without copying?");
        browser.button(ask, "Close without copying").click();
        browser.waitUntil(d -> browser.dialogOpen() ? null : true);
        assertFalse(browser.driver().getPageSource().contains(value));
        browser.row("asks-first");
    }

    @Test
    void aPrefillLinkOpensTheFormFilledIn() {
        Api.TestUser frank = signedIn("deploy", "devices:read");
        browser.go(
                "/tokens/new?name=pipeline-bot&description=From+the+team+docs&scopes=deploy&expiresInDays=45&allowedCidrs=10.0.0.0/8");
        browser.heading("Generate a personal access token");
        browser.waitForText("Some fields were filled in from the link you followed");
        assertEquals("pipeline-bot", browser.field("Name").getDomProperty("value"));
        assertEquals("From the team docs", browser.field("Description").getDomProperty("value"));
        assertEquals("true", browser.field("deploy").getDomProperty("checked"));
        assertEquals("false", browser.field("devices:read").getDomProperty("checked"));
        assertEquals(
                "custom", browser.field("Expiration").getDomProperty("value"), "45 days is no preset: a custom date");
        assertTrue(browser.field("Expiration date").isDisplayed());
        assertEquals("10.0.0.0/8", browser.field("Allowed networks").getDomProperty("value"));
        browser.button("Create token").click();
        browser.dialog("Token 'pipeline-bot' created");
        copyAndClose();

        var token = as(frank.session())
                .get("/api/v1/tokens?q=pipeline-bot")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        Instant expires = Instant.parse(token.getString("[0].expiresAt"));
        assertTrue(
                Duration.between(Instant.now().plus(Duration.ofDays(45)), expires)
                                .abs()
                                .toHours()
                        < 25,
                "expires in 45 days: " + expires);
        assertEquals(List.of("deploy"), token.getList("[0].scopes"));
        assertEquals(List.of("10.0.0.0/8"), token.getList("[0].allowedCidrs"));
    }

    @Test
    void aCustomDateWithinThePolicy() {
        Api.TestUser bob = signedIn("deploy");
        browser.go("/tokens/new");
        browser.type(browser.field("Name"), "custom-date");
        browser.select(browser.field("Expiration"), "Custom…");
        WebElement date = browser.field("Expiration date");
        assertTrue(date.isDisplayed());
        java.time.LocalDate today = java.time.LocalDate.now();
        assertEquals(today.plusDays(1).toString(), date.getDomAttribute("min"), "at least one day");
        assertEquals(today.plusDays(365).toString(), date.getDomAttribute("max"), "at most the configured maximum");
        assertFalse(browser.text().contains("No expiration"), "the default policy has no 'No expiration'");
        assertTrue(browser.driver()
                .findElements(By.xpath("//option[normalize-space()='No expiration']"))
                .isEmpty());
        browser.setValue(date, today.plusDays(10).toString());
        browser.waitForText("This token will expire on");
        browser.button("Create token").click();
        browser.dialog("Token 'custom-date' created");
        copyAndClose();
        Instant expires = Instant.parse(as(bob.session())
                .get("/api/v1/tokens?q=custom-date")
                .then()
                .extract()
                .path("[0].expiresAt"));
        assertTrue(
                Duration.between(Instant.now().plus(Duration.ofDays(10)), expires)
                                .abs()
                                .toHours()
                        < 25,
                "expires in 10 days: " + expires);
    }

    @Test
    void apiErrorsAppearBesideTheirFieldsAndNothingIsCreated() {
        Api.TestUser carol = signedIn("deploy");
        Api.aToken(carol.session(), Map.of("name", "taken"));
        browser.go("/tokens/new");
        browser.button("Create token").click();
        browser.waitForText("There is a problem");
        browser.waitForText("Name is required");

        browser.type(browser.field("Name"), "new-one");
        browser.type(browser.field("Allowed networks"), "10.0.0.0/8\nnot-a-network");
        browser.button("Create token").click();
        browser.waitForText("Allowed networks (line 2) is not an IPv4 or IPv6 address or CIDR");
        WebElement networks = browser.field("Allowed networks");
        assertEquals("true", networks.getDomAttribute("aria-invalid"));
        assertEquals(
                Boolean.TRUE,
                browser.js("return document.activeElement.classList.contains('error-summary')"),
                "focus moves to the summary");

        browser.type(browser.field("Allowed networks"), "");
        browser.type(browser.field("Name"), "taken");
        browser.button("Create token").click();
        browser.waitForText("You already have an active token named 'taken'");
        assertFalse(browser.dialogOpen());
        as(carol.session()).get("/api/v1/tokens").then().statusCode(200).header("X-Total-Count", "1");
    }

    @Test
    void aHostileNameIsShownAsText() {
        Api.TestUser mallory = Api.aUser("deploy");
        String hostile = "<img src=x onerror=alert(1)>";
        Api.createToken(
                mallory.session(), Map.of("name", hostile, "description", "<script>alert(2)</script><b>bold</b>"));
        browser.go("/");
        signIn(mallory.username(), Api.PASSWORD);
        WebElement row = browser.row(hostile);
        assertTrue(row.getText().contains("<script>alert(2)</script><b>bold</b>"));
        assertTrue(row.findElements(By.tagName("img")).isEmpty());
        assertTrue(row.findElements(By.tagName("b")).isEmpty());
        assertThrows(
                NoAlertPresentException.class, () -> browser.driver().switchTo().alert());
        browser.button(row, "Revoke").click();
        assertTrue(browser.dialog("Revoke '" + hostile + "'?").isDisplayed());
        browser.assertNoConsoleErrors();
    }

    @Test
    void filterSearchSortAndSelectSeveralToRevoke() {
        Api.TestUser dave = signedIn("deploy");
        String session = dave.session();
        Api.aToken(session, Map.of("name", "alpha", "expiresInDays", 90));
        Api.aToken(session, Map.of("name", "bravo", "expiresInDays", 3));
        Api.aToken(session, Map.of("name", "charlie", "expiresInDays", 30));
        String gone = Api.aToken(session, Map.of("name", "delta")).id();
        as(session).delete("/api/v1/tokens/" + gone).then().statusCode(204);
        browser.driver().navigate().refresh();
        browser.row("alpha");
        assertTrue(browser.text().contains("4 tokens"));
        assertTrue(browser.row("bravo").getText().contains("Expiring soon"), "under 7 days left");

        browser.select(browser.field("Status"), "Revoked");
        browser.waitUntil(d -> browser.text().contains("1 token match") ? true : null);
        browser.row("delta");
        browser.select(browser.field("Status"), "Active");
        browser.waitUntil(d -> browser.text().contains("3 tokens match") ? true : null);
        browser.select(browser.field("Sort by"), "Expiry");
        browser.waitUntil(d -> names().equals(List.of("bravo", "charlie", "alpha")) ? true : null);
        browser.select(browser.field("Sort by"), "Name");
        browser.waitUntil(d -> names().equals(List.of("alpha", "bravo", "charlie")) ? true : null);
        browser.type(browser.field("Search by name"), "arl");
        browser.waitUntil(d -> names().equals(List.of("charlie")) ? true : null);
        assertTrue(browser.url().contains("q=arl"), "filters live in the URL: " + browser.url());
        browser.driver().navigate().refresh();
        browser.waitUntil(d -> names().equals(List.of("charlie")) ? true : null);
        browser.type(browser.field("Search by name"), "");
        browser.waitUntil(d -> names().size() == 3 ? true : null);

        browser.row("alpha").findElement(By.cssSelector("input[type=checkbox]")).click();
        browser.row("bravo").findElement(By.cssSelector("input[type=checkbox]")).click();
        browser.button("Revoke selected (2)").click();
        WebElement confirm = browser.dialog("Revoke 2 tokens?");
        assertTrue(confirm.getText().contains("alpha") && confirm.getText().contains("bravo"));
        browser.button(confirm, "Revoke 2 tokens").click();
        browser.waitUntil(d -> names().equals(List.of("charlie")) ? true : null);
        as(session).get("/api/v1/tokens?status=revoked").then().header("X-Total-Count", "3");

        // a revoked token offers "create a similar token"
        browser.select(browser.field("Status"), "Revoked");
        browser.button(browser.row("alpha"), "Create similar").click();
        browser.heading("Generate a personal access token");
        assertEquals("alpha", browser.field("Name").getDomProperty("value"));
        browser.assertNoConsoleErrors();
    }

    private List<String> names() {
        return browser.driver().findElements(By.cssSelector("tbody .token-name")).stream()
                .map(WebElement::getText)
                .toList();
    }

    @Test
    void securityHeadersOnThePageAndTheApi() {
        io.restassured.RestAssured.given()
                .get("/")
                .then()
                .statusCode(200)
                .header(
                        "Content-Security-Policy",
                        org.hamcrest.Matchers.allOf(
                                org.hamcrest.Matchers.containsString("script-src 'self'"),
                                org.hamcrest.Matchers.containsString("style-src 'self'"),
                                org.hamcrest.Matchers.containsString("frame-ancestors 'none'"),
                                org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString("unsafe"))))
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer")
                .header("X-Frame-Options", "DENY");
        io.restassured.RestAssured.given()
                .get("/tokens/new?name=x")
                .then()
                .statusCode(200)
                .header("Content-Security-Policy", org.hamcrest.Matchers.containsString("default-src 'none'"))
                .body(org.hamcrest.Matchers.containsString("<title>patgate</title>"));
        Api.TestUser erin = Api.aUser();
        // a data answer (it may carry a token value) is not cached, may load or run nothing and is no document
        as(erin.session())
                .contentType(ContentType.JSON)
                .body(Map.of("name", "cached?"))
                .post("/api/v1/tokens")
                .then()
                .statusCode(201)
                .header("Cache-Control", "no-store")
                .header("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
                .header("X-Content-Type-Options", "nosniff")
                .header("X-Frame-Options", "DENY")
                .header("Cross-Origin-Opener-Policy", org.hamcrest.Matchers.nullValue());
        io.restassured.RestAssured.given()
                .get("/.well-known/jwks.json")
                .then()
                .statusCode(200)
                .header("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
        // the page is a document: it keeps its opener to itself
        io.restassured.RestAssured.given().get("/").then().header("Cross-Origin-Opener-Policy", "same-origin");
        // no inline script or style anywhere in the page
        browser.go("/");
        browser.heading("Sign in to patgate");
        assertEquals(0L, browser.js("return document.querySelectorAll('script:not([src]), style, [style]').length"));
        browser.assertNoConsoleErrors();
    }
}
