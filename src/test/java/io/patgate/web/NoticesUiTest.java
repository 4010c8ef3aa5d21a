package io.patgate.web;

import static io.patgate.support.Api.as;
import static io.patgate.support.Eventually.eventually;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.patgate.support.Api;
import io.patgate.support.BrowserTest;
import io.patgate.support.Mailbox;
import io.patgate.support.Receiver;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * Notices in the web page: an admin adds a webhook (a real receiver started here), watches a failed delivery be
 * retried and delivered, redelivers it, pauses and deletes the hook; a person chooses which notices reach them by
 * email; a token retired unused says so in the list.
 */
@QuarkusTest
class NoticesUiTest extends BrowserTest {

    @Inject
    Pool pool;

    private void signInAsAdmin() {
        browser.go("/");
        signIn("admin", Api.ADMIN_PASSWORD);
        browser.heading("Personal access tokens");
    }

    private WebElement hookRow(String url) {
        return browser.waitUntil(
                d -> d.findElements(By.xpath("//tbody/tr[.//td[normalize-space()='" + url + "']]")).stream()
                        .filter(WebElement::isDisplayed)
                        .findFirst()
                        .orElse(null));
    }

    @Test
    void anAdminAddsAWebhookSeesItsDeliveriesRedeliversOnePausesAndDeletesIt() throws Exception {
        try (Receiver receiver = new Receiver()) {
            String url = receiver.url("/ui-hook-" + UUID.randomUUID().toString().substring(0, 6));
            signInAsAdmin();
            browser.link("Webhooks").click();
            browser.heading("Webhooks");

            browser.button("Add webhook").click();
            WebElement add = browser.dialog("Add webhook");
            String secret = browser.field(add, "Secret").getDomProperty("value");
            assertEquals(64, secret.length(), "a random secret is filled in");
            browser.button(add, "Add webhook").click();
            browser.waitForText("URL is required");
            browser.type(browser.field(add, "URL"), "ftp://example.com/hook");
            browser.button(add, "Add webhook").click();
            browser.waitForText("URL must be an http or https URL");
            browser.type(browser.field(add, "URL"), url);
            for (String event : List.of(
                    "token.expiring",
                    "token.expired",
                    "token.used-from-new-address",
                    "token.leak-reported",
                    "token.retired-unused",
                    "token.revoked")) {
                browser.field(add, event).click(); // all ticked at first: untick every one
            }
            browser.button(add, "Add webhook").click();
            browser.waitForText("Events needs at least one event");
            browser.field(add, "token.revoked").click();
            browser.screenshot("admin-webhook-add");
            browser.button(add, "Add webhook").click();
            browser.waitForText("Added a webhook to " + url + ".");
            WebElement row = hookRow(url);
            assertTrue(row.getText().contains("token.revoked") && row.getText().contains("Active"), row.getText());
            assertFalse(row.getText().contains("token.expiring"), row.getText());

            // a revocation; the receiver fails the first attempt, the retry a second later gets through
            receiver.thenAnswer(500);
            Api.TestUser owner = Api.aUser("deploy");
            Api.Issued token = Api.aToken(owner.session(), Map.of("name", "ui-revoked"));
            as(Api.adminSession()).delete("/api/v1/tokens/" + token.id()).then().statusCode(204);
            eventually(
                    Duration.ofSeconds(15),
                    () -> assertEquals(2, receiver.about(token.id()).size()));
            Receiver.Received delivered = receiver.about(token.id()).get(1);
            assertEquals(
                    Receiver.signature(secret, delivered.timestamp(), delivered.body()),
                    delivered.header("X-Patgate-Signature-256"),
                    "signed with the secret the form showed");

            browser.assertAccessible("webhooks page");
            browser.screenshot("admin-webhooks");
            browser.button(row, "Deliveries").click();
            browser.heading("Deliveries");
            eventually(Duration.ofSeconds(10), () -> {
                browser.button("Refresh").click();
                assertEquals(
                        1,
                        browser.driver()
                                .findElements(By.xpath("//tbody//span[normalize-space()='Delivered']"))
                                .size());
            });
            browser.waitUntil(
                    d -> browser.button("Refresh").isEnabled() ? true : null); // the last refresh has drawn the list
            WebElement delivery = browser.waitUntil(d -> d.findElements(By.cssSelector("tbody tr")).stream()
                    .findFirst()
                    .orElse(null));
            assertTrue(delivery.getText().contains("token.revoked"), delivery.getText());
            assertTrue(delivery.getText().contains("HTTP 204"), delivery.getText());
            assertEquals(
                    "2",
                    delivery.findElement(By.cssSelector("td[data-label='Attempts']"))
                            .getText()
                            .trim(),
                    "failed once, then delivered");
            browser.assertAccessible("deliveries page");
            browser.screenshot("admin-webhook-deliveries");

            browser.button(delivery, "Redeliver").click();
            browser.waitForText("Redelivering token.revoked");
            eventually(
                    Duration.ofSeconds(10),
                    () -> assertEquals(3, receiver.about(token.id()).size()));
            assertEquals(
                    delivered.header("X-Patgate-Delivery"),
                    receiver.about(token.id()).get(2).header("X-Patgate-Delivery"),
                    "a redelivery carries the same id, so receivers can drop it if they had it");
            browser.button("Refresh").click();
            browser.waitUntil(d -> d.findElements(By.cssSelector("tbody tr")).size() == 2 ? true : null);
            eventually(Duration.ofSeconds(10), () -> {
                browser.button("Refresh").click();
                assertTrue(browser.text().contains("redelivery"));
                assertEquals(
                        2,
                        browser.driver()
                                .findElements(By.xpath("//tbody//span[normalize-space()='Delivered']"))
                                .size());
            });

            browser.link("← Webhooks").click();
            browser.heading("Webhooks");
            browser.button(hookRow(url), "Edit").click();
            WebElement edit = browser.dialog("Edit webhook");
            assertEquals(
                    "", browser.field(edit, "New secret").getDomProperty("value"), "the secret is never shown again");
            browser.field(edit, "Active").click();
            browser.button(edit, "Save").click();
            browser.waitForText("Saved the webhook to " + url + ".");
            browser.waitUntil(d -> hookRow(url).getText().contains("Inactive") ? true : null);
            Api.Issued second = Api.aToken(owner.session(), Map.of("name", "ui-revoked-while-inactive"));
            as(Api.adminSession())
                    .delete("/api/v1/tokens/" + second.id())
                    .then()
                    .statusCode(204);

            browser.button(hookRow(url), "Delete").click();
            WebElement confirm = browser.dialog("Delete this webhook?");
            browser.button(confirm, "Delete webhook").click();
            browser.waitForText("Deleted the webhook to " + url + ".");
            browser.waitUntil(d -> d.findElements(By.xpath("//tbody/tr[.//td[normalize-space()='" + url + "']]"))
                            .isEmpty()
                    ? true
                    : null);
            assertTrue(receiver.about(second.id()).isEmpty(), "an inactive webhook is sent nothing");
            as(Api.adminSession())
                    .get("/api/v1/audit?action=webhook.deleted")
                    .then()
                    .statusCode(200);
            browser.assertNoConsoleErrors(422, 400);
        }
    }

    @Test
    void aPersonChoosesWhichNoticesReachThemByEmailAndConfirmsTheAddress() throws Exception {
        try (Mailbox mailbox = new Mailbox()) {
            Api.TestUser kim = Api.aUser("deploy");
            browser.go("/");
            signIn(kim.username(), Api.PASSWORD);
            browser.heading("Personal access tokens");
            browser.link("Profile").click();
            browser.heading("Profile");
            WebElement expiring = browser.field("A token is about to expire");
            assertTrue(
                    expiring.isSelected()
                            && browser.field("A token is used from a new address")
                                    .isSelected()
                            && browser.field("A token is revoked by someone else")
                                    .isSelected(),
                    "all three by default");

            browser.type(browser.field("Email"), "not an address");
            browser.button("Save notice settings").click();
            browser.waitForText("Email must be an email address (or empty for none)");
            String address = kim.username() + "@example.com";
            browser.type(browser.field("Email"), address);
            browser.field("A token is used from a new address").click();
            browser.button("Save notice settings").click();
            browser.waitForText(
                    "Saved. We sent a confirmation link to " + address + ": notices go there once you open it.");
            browser.waitForText("Unconfirmed");
            as(kim.session())
                    .get("/api/v1/me/notices")
                    .then()
                    .statusCode(200)
                    .body("email", equalTo(address))
                    .body("emailNotices", contains("expiring", "revoked"))
                    .body("emailConfirmed", equalTo(false));
            browser.assertAccessible("profile with an unconfirmed address");
            browser.screenshot("profile-notices");

            browser.button("Resend confirmation").click();
            browser.waitForText("Sent a new confirmation link to " + address + ". The earlier one no longer works.");
            eventually(
                    Duration.ofSeconds(10),
                    () -> assertEquals(2, mailbox.confirmations(address).size()));
            String first = Mailbox.secretOf(mailbox.confirmations(address).get(0));
            String newest = mailbox.newestLink(address);

            // the link of the first mail was replaced by the second one's
            browser.go("/confirm-email#" + first);
            browser.heading("Confirm your email address");
            assertFalse(browser.url().contains(first), "the secret is taken off the address bar");
            browser.button("Confirm email address").click();
            browser.waitForText("This link does not work any more");
            browser.go("/confirm-email#" + newest);
            browser.button("Confirm email address").click();
            browser.heading("Address confirmed");
            browser.waitForText("now go to " + address);
            browser.assertAccessible("address confirmed");
            browser.screenshot("confirm-email");

            browser.go("/profile");
            browser.heading("Profile");
            browser.waitForText("Confirmed");
            assertEquals(address, browser.field("Email").getDomProperty("value"), "kept");
            assertFalse(browser.field("A token is used from a new address").isSelected());
            browser.type(browser.field("Email"), "");
            browser.button("Save notice settings").click();
            browser.waitForText("Saved. You get no email.");
            as(kim.session()).get("/api/v1/me/notices").then().body("email", equalTo(null));
            browser.assertNoConsoleErrors(400);
        }
    }

    @Test
    void aTokenRetiredUnusedSaysSoInTheList() {
        Api.TestUser lee = Api.aUser("deploy");
        Api.Issued token = Api.aToken(lee.session(), Map.of("name", "forgotten-backup"));
        pool.preparedQuery("update access_token set revoked_at = now(), revoked_reason = 'unused' where id = $1")
                .execute(Tuple.of(UUID.fromString(token.id())))
                .await()
                .atMost(Duration.ofSeconds(5));
        browser.go("/");
        signIn(lee.username(), Api.PASSWORD);
        browser.heading("Personal access tokens");
        WebElement row = browser.row("forgotten-backup");
        browser.waitUntil(d -> row.getText().contains("Revoked") ? true : null);
        assertTrue(row.getText().contains("unused too long, retired"), row.getText());
        JsonPath view = as(lee.session())
                .get("/api/v1/tokens/" + token.id())
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertEquals("unused", view.getString("revokedReason"));
    }
}
