package io.patgate.web;

import static io.patgate.support.Api.as;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.patgate.support.Api;
import io.patgate.support.BrowserTest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/** The Service accounts page: admins make accounts, their managers give them tokens and trust, in a real browser. */
@QuarkusTest
class ServiceAccountsUiTest extends BrowserTest {

    private String shownValue() {
        return browser.field(browser.top(), "Token value").getDomProperty("value");
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

    private void signOut() {
        browser.button("Sign out").click();
        browser.heading("Sign in to patgate");
    }

    @Test
    void thePageIsOfferedToAdminsAndToManagersOnly() {
        Api.TestUser person = Api.aUser("deploy");
        browser.go("/");
        signIn(person.username(), Api.PASSWORD);
        browser.heading("Personal access tokens");
        assertTrue(browser.links("Service accounts").isEmpty(), "not offered to someone who manages none");
        browser.go("/service-accounts");
        browser.heading("Page not found");

        // once an admin makes them a manager, the page is theirs, with their account only
        String name = "ui-svc-" + UUID.randomUUID().toString().substring(0, 6);
        as(Api.adminSession())
                .contentType(ContentType.JSON)
                .body(Map.of("name", name, "roles", List.of("deploy"), "managers", List.of(person.username())))
                .post("/api/v1/service-accounts")
                .then()
                .statusCode(201);
        as(Api.adminSession())
                .contentType(ContentType.JSON)
                .body(Map.of("name", name + "-other", "roles", List.of("deploy")))
                .post("/api/v1/service-accounts")
                .then()
                .statusCode(201);
        browser.go("/tokens");
        browser.link("Service accounts").click();
        browser.heading("Service accounts");
        browser.waitForText("1 service account");
        assertTrue(browser.text().contains("You see the ones you manage."));
        assertFalse(browser.text().contains(name + "-other"));
        assertTrue(
                browser.driver()
                        .findElements(By.xpath("//button[normalize-space()='Create service account']"))
                        .isEmpty(),
                "creating is an admin's");
        WebElement row = browser.row(name);
        assertTrue(
                browser.driver()
                        .findElements(By.xpath("//tbody//button[normalize-space()='Delete']"))
                        .isEmpty(),
                "deleting is an admin's");
        assertTrue(row.getText().contains(person.username()));
        browser.assertNoConsoleErrors();
    }

    @Test
    void anAdminCreatesAnAccountAndItsManagerGivesItTokensAndTrust() {
        Api.TestUser manager = Api.aUser(); // holds none of the account's roles
        String name = "ui-svc-" + UUID.randomUUID().toString().substring(0, 6);

        browser.go("/");
        signIn("admin", Api.ADMIN_PASSWORD);
        browser.heading("Personal access tokens");
        browser.link("Service accounts").click();
        browser.heading("Service accounts");
        browser.button("Create service account").click();
        WebElement create = browser.dialog("Create service account");
        browser.type(browser.field(create, "Name"), name);
        browser.type(browser.field(create, "Description"), "Deploys from the release pipeline");
        browser.type(browser.field(create, "Roles"), "deploy, admin");
        browser.type(browser.field(create, "Managers"), manager.username());
        browser.button(create, "Create service account").click();
        browser.waitForText("'admin' is not a service account's role");
        browser.type(browser.field(create, "Roles"), "deploy, devices:read");
        browser.button(create, "Create service account").click();
        browser.heading(name);
        browser.waitForText("No tokens yet.");
        browser.waitForText("No workload identity may act as this account yet.");
        signOut();

        browser.go("/");
        signIn(manager.username(), Api.PASSWORD);
        browser.heading("Personal access tokens");
        browser.link("Service accounts").click();
        browser.button(browser.row(name), "Tokens and trust").click();
        browser.heading(name);

        // a token, with the same form as a personal one; scopes are the account's roles
        browser.button("Generate token").click();
        browser.heading("Generate a token for '" + name + "'");
        browser.type(browser.field("Name"), "release pipeline");
        browser.type(browser.field("Description"), "GitLab CI, project acme/app");
        browser.select(browser.field("Expiration"), "90 days");
        browser.field("devices:read").click(); // leave only deploy
        browser.assertAccessible("service account token form");
        browser.button("Create token").click();
        WebElement shown = browser.dialog("Token 'release pipeline' created");
        String value = shownValue();
        assertTrue(shown.getText().contains("curl -u \"" + name + ":"), "the Basic example names the account");
        as(value)
                .get("/auth/verify")
                .then()
                .statusCode(200)
                .header("X-Auth-User", name)
                .header("X-Auth-Scopes", "deploy");
        copyAndClose();
        browser.heading(name);
        WebElement row = browser.row("release pipeline");
        assertTrue(row.getText().contains("Active") && row.getText().contains("deploy"), row.getText());

        // trust: a GitHub Actions workflow of one repository, on main
        browser.button("Add trust").click();
        WebElement trust = browser.dialog("Add trust to '" + name + "'");
        browser.type(browser.field(trust, "Issuer"), "http://token.actions.githubusercontent.com");
        browser.type(browser.field(trust, "Subject"), "repo:acme/app:environment:prod");
        browser.type(browser.field(trust, "Claims"), "repository = acme/app\nref = refs/heads/main");
        browser.button(trust, "Add trust").click();
        browser.waitForText("Issuer must use https");
        browser.type(browser.field(trust, "Issuer"), "https://token.actions.githubusercontent.com");
        browser.type(browser.field(trust, "Issuer's public keys"), "{not json");
        browser.button(trust, "Add trust").click();
        browser.waitForText("Issuer's public keys is not JSON");
        browser.type(browser.field(trust, "Issuer's public keys"), "");
        browser.select(browser.field(trust, "Token lifetime"), "10 minutes");
        browser.button(trust, "Add trust").click();
        browser.waitForText("now trusts that identity");
        browser.waitForText("repository = acme/app");
        assertTrue(browser.text().contains("10 minutes") && browser.text().contains("From discovery"));
        String accountId = as(manager.session())
                .get("/api/v1/service-accounts")
                .then()
                .extract()
                .path("[0].id");
        as(manager.session())
                .get("/api/v1/service-accounts/" + accountId + "/trust")
                .then()
                .body("[0].subject", equalTo("repo:acme/app:environment:prod"))
                .body("[0].maxTtlSeconds", equalTo(600))
                .body("[0].claims.ref", equalTo("refs/heads/main"));
        browser.assertAccessible("service account page");
        browser.screenshot("service-accounts");

        // regenerate, with the old value kept a while
        browser.button(browser.row("release pipeline"), "Regenerate").click();
        WebElement regenerate = browser.dialog("Regenerate 'release pipeline'?");
        browser.select(browser.field(regenerate, "Grace period for running jobs"), "10 minutes");
        browser.button(regenerate, "Regenerate token").click();
        browser.dialog("New value for 'release pipeline'");
        String next = shownValue();
        copyAndClose();
        as(next).get("/auth/verify").then().statusCode(200).header("X-Auth-User", name);
        as(value).get("/auth/verify").then().statusCode(200);

        // edit offers the account's roles, not the manager's
        browser.button(browser.row("release pipeline"), "Edit").click();
        WebElement edit = browser.dialog("Edit 'release pipeline'");
        browser.field(edit, "devices:read").click();
        browser.button(edit, "Save").click();
        browser.waitForText("Saved the changes to 'release pipeline'.");
        as(next).get("/api/v1/me").then().body("scopes", contains("deploy", "devices:read"));

        // stop trusting, then revoke
        browser.button("Delete").click();
        browser.button(browser.dialog("Stop trusting this identity?"), "Delete trust")
                .click();
        browser.waitForText("No workload identity may act as this account yet.");
        browser.button(browser.row("release pipeline"), "Revoke").click();
        browser.button(browser.dialog("Revoke 'release pipeline'?"), "Revoke token")
                .click();
        browser.waitUntil(d -> browser.row("release pipeline").getText().contains("Revoked") ? true : null);
        as(next).get("/auth/verify").then().statusCode(401);

        // a manager may disable the account; everything of it stops
        browser.link("Service accounts").click();
        browser.button(browser.row(name), "Disable").click();
        browser.button(browser.dialog("Disable '" + name + "'?"), "Disable service account")
                .click();
        browser.waitUntil(d -> browser.row(name).getText().contains("Disabled") ? true : null);
        as(Api.adminSession())
                .get("/api/v1/service-accounts/" + accountId)
                .then()
                .body("disabled", equalTo(true));
        browser.assertAccessible("service accounts list");
        browser.assertNoConsoleErrors(400);
    }

    @Test
    void anAdminEditsRolesAndManagersAndDeletes() {
        Api.TestUser first = Api.aUser();
        Api.TestUser second = Api.aUser();
        String name = "ui-svc-" + UUID.randomUUID().toString().substring(0, 6);
        String id = as(Api.adminSession())
                .contentType(ContentType.JSON)
                .body(Map.of("name", name, "roles", List.of("deploy"), "managers", List.of(first.username())))
                .post("/api/v1/service-accounts")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        browser.go("/");
        signIn("admin", Api.ADMIN_PASSWORD);
        browser.heading("Personal access tokens");
        browser.link("Service accounts").click();
        browser.button(browser.row(name), "Edit").click();
        WebElement edit = browser.dialog("Edit '" + name + "'");
        browser.type(browser.field(edit, "Roles"), "deploy, reports:read");
        browser.type(browser.field(edit, "Managers"), second.username());
        browser.button(edit, "Save").click();
        browser.waitForText("Saved '" + name + "'.");
        browser.waitUntil(d -> browser.row(name).getText().contains(second.username()) ? true : null);
        as(Api.adminSession())
                .get("/api/v1/service-accounts/" + id)
                .then()
                .body("roles", contains("deploy", "reports:read"))
                .body("managers", contains(second.username()));

        browser.button(browser.row(name), "Delete").click();
        WebElement delete = browser.dialog("Delete '" + name + "'?");
        assertTrue(delete.getText().contains("cannot be undone"));
        browser.button(delete, "Delete service account").click();
        browser.waitForText("Deleted '" + name + "'.");
        as(Api.adminSession()).get("/api/v1/service-accounts/" + id).then().statusCode(404);
        assertEquals(
                0,
                browser.driver()
                        .findElements(By.xpath("//tbody//strong[normalize-space()='" + name + "']"))
                        .size());
        browser.assertNoConsoleErrors();
    }
}
