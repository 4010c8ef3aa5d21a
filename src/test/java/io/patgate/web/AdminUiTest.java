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
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.WebElement;

/** The admin pages: present for admins, absent for everyone else, and they do what they say. */
@QuarkusTest
class AdminUiTest extends BrowserTest {

    private static final List<String> ADMIN_LINKS = List.of("Users", "All tokens", "Audit log", "Signing keys");

    private void signInAsAdmin() {
        browser.go("/");
        signIn("admin", Api.ADMIN_PASSWORD);
        browser.heading("Personal access tokens");
    }

    @Test
    void peopleWithoutTheAdminRoleNeverSeeTheAdminPages() {
        Api.TestUser user = Api.aUser("deploy");
        browser.go("/");
        signIn(user.username(), Api.PASSWORD);
        browser.heading("Personal access tokens");
        for (String link : ADMIN_LINKS) {
            assertTrue(browser.links(link).isEmpty(), link + " is not offered");
        }
        browser.go("/admin/users");
        browser.heading("Page not found");
        assertFalse(browser.text().contains("Create user"));
        browser.assertNoConsoleErrors();
    }

    @jakarta.inject.Inject
    io.vertx.mutiny.sqlclient.Pool pool;

    @Test
    void theUserListShowsWhereEachAccountComesFrom() {
        String batch = "origin-" + UUID.randomUUID().toString().substring(0, 6);
        String admin = Api.adminSession();
        for (String kind : List.of("local", "sso")) {
            String id = as(admin)
                    .contentType(io.restassured.http.ContentType.JSON)
                    .body(Map.of("username", batch + "-" + kind, "password", Api.PASSWORD, "roles", List.of("deploy")))
                    .post("/api/v1/users")
                    .then()
                    .statusCode(201)
                    .extract()
                    .path("id");
            if (kind.equals("sso")) {
                // single sign-on makes these on a first sign-in (built elsewhere); here the column is set as it would
                pool.preparedQuery("update app_user set origin = 'sso' where id = $1")
                        .execute(io.vertx.mutiny.sqlclient.Tuple.of(UUID.fromString(id)))
                        .await()
                        .atMost(java.time.Duration.ofSeconds(5));
            }
        }
        io.patgate.support.Scim.aClient()
                .request()
                .body("{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"userName\":\"" + batch
                        + "-scim\",\"roles\":[{\"value\":\"deploy\"}]}")
                .post(io.patgate.support.Scim.USERS)
                .then()
                .statusCode(201);
        as(admin)
                .get("/api/v1/users?q=" + batch)
                .then()
                .statusCode(200)
                .body("origin", contains("local", "sso", "scim"));

        signInAsAdmin();
        browser.link("Users").click();
        browser.heading("Users");
        browser.type(browser.field("Search users"), batch);
        browser.waitUntil(d -> browser.driver()
                                .findElements(org.openqa.selenium.By.cssSelector("tbody tr"))
                                .size()
                        == 3
                ? true
                : null);
        assertTrue(browser.row(batch + "-local").getText().contains("Local"));
        assertTrue(browser.row(batch + "-sso").getText().contains("SSO"));
        assertTrue(browser.row(batch + "-scim").getText().contains("SCIM"));
        browser.assertAccessible("users page with origins");
        browser.screenshot("admin-users-origins");
        browser.assertNoConsoleErrors();
    }

    @Test
    void anAdminManagesUsers() {
        signInAsAdmin();
        for (String link : ADMIN_LINKS) {
            assertFalse(browser.links(link).isEmpty(), link + " is offered to an admin");
        }
        browser.link("Users").click();
        browser.heading("Users");
        String name = "ui-user-" + UUID.randomUUID().toString().substring(0, 6);

        browser.button("Create user").click();
        WebElement create = browser.dialog("Create user");
        browser.type(browser.field(create, "Username"), name);
        browser.type(browser.field(create, "Password"), "short");
        browser.type(browser.field(create, "Roles"), "deploy, devices:read");
        browser.button(create, "Create user").click();
        browser.waitForText("Password must be at least 8 characters");
        browser.type(browser.field(create, "Password"), "a long enough password");
        browser.button(create, "Create user").click();
        browser.waitForText("Created user '" + name + "'.");

        browser.assertAccessible("users page");
        browser.screenshot("admin-users");
        browser.type(browser.field("Search users"), name);
        browser.waitUntil(d -> browser.driver()
                                .findElements(org.openqa.selenium.By.cssSelector("tbody tr"))
                                .size()
                        == 1
                ? true
                : null);
        WebElement row = browser.row(name);
        assertTrue(row.getText().contains("deploy") && row.getText().contains("devices:read"));
        Api.login(name, "a long enough password");

        browser.button(row, "Change roles").click();
        WebElement roles = browser.dialog("Change roles of '" + name + "'");
        browser.type(browser.field(roles, "Roles"), "deploy");
        browser.button(roles, "Save").click();
        browser.waitForText("Changed the roles of '" + name + "'.");
        as(Api.login(name, "a long enough password")).get("/api/v1/me").then().body("roles", contains("deploy"));

        browser.button(browser.row(name), "Reset password").click();
        WebElement reset = browser.dialog("Reset the password of '" + name + "'");
        browser.type(browser.field(reset, "New password"), "another long password");
        browser.button(reset, "Reset password").click();
        browser.waitForText("Reset the password of '" + name + "'.");
        Api.login(name, "another long password");

        browser.button(browser.row(name), "Disable").click();
        WebElement disable = browser.dialog("Disable '" + name + "'?");
        browser.button(disable, "Disable user").click();
        browser.waitUntil(d -> browser.row(name).getText().contains("Disabled") ? true : null);
        browser.button(browser.row(name), "Enable").click();
        browser.waitUntil(d -> browser.row(name).getText().contains("Active") ? true : null);

        browser.button(browser.row(name), "Delete").click();
        WebElement delete = browser.dialog("Delete '" + name + "'?");
        assertTrue(delete.getText().contains("cannot be undone"));
        browser.button(delete, "Delete user").click();
        browser.waitForText("Deleted '" + name + "'.");
        browser.waitForText("0 users");
        browser.assertNoConsoleErrors(400);
    }

    @Test
    void anAdminSeesAndRevokesAnyonesTokensAndReadsTheAuditLog() {
        Api.TestUser owner = Api.aUser("deploy");
        Api.Issued issued = Api.aToken(owner.session(), Map.of("name", "owned-elsewhere"));
        signInAsAdmin();
        browser.link("All tokens").click();
        browser.heading("All tokens");
        browser.type(browser.field("Owner"), owner.username());
        browser.waitUntil(d -> browser.text().contains("1 token match") ? true : null);
        WebElement row = browser.row("owned-elsewhere");
        assertTrue(row.getText().contains(owner.username()));
        browser.button(row, "Revoke").click();
        browser.button(browser.dialog("Revoke 'owned-elsewhere'?"), "Revoke token")
                .click();
        browser.waitUntil(d -> browser.row("owned-elsewhere").getText().contains("by an admin") ? true : null);
        as(issued.value()).get("/api/v1/me").then().statusCode(401);
        browser.assertAccessible("all tokens page");

        browser.link("Audit log").click();
        browser.heading("Audit log");
        browser.type(browser.field("User"), owner.username());
        browser.select(browser.field("Action"), "token.revoked");
        browser.button("Apply filters").click();
        browser.waitUntil(d -> browser.text().contains("1 event") ? true : null);
        assertTrue(browser.text().contains("reason admin"));
        assertTrue(browser.url().contains("action=token.revoked"));
        browser.assertAccessible("audit log");
        browser.screenshot("admin-audit");

        browser.type(browser.field("Token"), "not-an-id");
        browser.button("Apply filters").click();
        browser.waitForText("Token is not a token id");
        browser.button("Clear filters").click();
        browser.waitUntil(d -> browser.text().contains("There is a problem") ? null : true);
        browser.assertNoConsoleErrors(400);
    }

    @Test
    void anAdminRotatesTheSigningKeyAfterConfirming() {
        String before = as(Api.adminSession())
                .get("/api/v1/admin/keys")
                .then()
                .extract()
                .path("find { it.active }.kid");
        signInAsAdmin();
        browser.link("Signing keys").click();
        browser.heading("Signing keys");
        browser.waitForText(before);
        browser.assertAccessible("signing keys");
        browser.button("Rotate signing key").click();
        WebElement confirm = browser.dialog("Rotate the signing key?");
        browser.button(confirm, "Cancel").click();
        assertEquals(
                before,
                as(Api.adminSession())
                        .get("/api/v1/admin/keys")
                        .then()
                        .extract()
                        .path("find { it.active }.kid"),
                "Cancel rotates nothing");

        // the usual rotation: the new key is published at once and signs once verifiers have fetched it
        browser.button("Rotate signing key").click();
        browser.button(browser.dialog("Rotate the signing key?"), "Rotate key").click();
        browser.waitForText("is published and signs from");
        String next = as(Api.adminSession())
                .get("/api/v1/admin/keys")
                .then()
                .extract()
                .path("find { it.active }.kid");
        assertFalse(before.equals(next));
        browser.waitForText(next);
        assertTrue(browser.text().contains("Published"));

        // after a leak: at once
        browser.button("Rotate signing key").click();
        WebElement now = browser.dialog("Rotate the signing key?");
        browser.field(now, "Sign with the new key at once (after a leak)").click();
        browser.button(now, "Rotate key").click();
        browser.waitForText("Rotated: new tokens are signed with key");
        String after = as(Api.adminSession())
                .get("/api/v1/admin/keys")
                .then()
                .extract()
                .path("find { it.active }.kid");
        assertFalse(next.equals(after));
        browser.waitForText(after);
        // one key signs now, and no other claims to sign later
        assertEquals(
                1,
                browser.driver()
                        .findElements(org.openqa.selenium.By.xpath("//tbody//span[normalize-space()='Signing']"))
                        .size());
        assertEquals(
                List.of(after),
                as(Api.adminSession())
                        .get("/api/v1/admin/keys")
                        .then()
                        .extract()
                        .jsonPath()
                        .getList("findAll { it.active || (it.retiredAt != null && it.retiredAt > '"
                                + java.time.Instant.now() + "') }.kid"));
        browser.screenshot("admin-keys");
        // the browser's session, signed with the old key, keeps working
        browser.link("Tokens").click();
        browser.heading("Personal access tokens");
        as(Api.adminSession())
                .get("/api/v1/audit?action=key.rotated&size=1")
                .then()
                .body("[0].actor", equalTo("admin"));

        // the incident button: everyone is signed out, this browser too; tokens keep working
        Api.TestUser someone = Api.aUser("deploy");
        String theirSession = someone.session();
        Api.Issued theirToken = Api.aToken(theirSession, java.util.Map.of());
        browser.link("Signing keys").click();
        browser.button("End every session").click();
        browser.button(browser.dialog("End every session?"), "End every session")
                .click();
        browser.heading("Sign in to patgate");
        browser.waitForText("Every session has ended");
        as(theirSession).get("/api/v1/me").then().statusCode(401);
        as(theirToken.value()).get("/api/v1/me").then().statusCode(200);
        browser.assertNoConsoleErrors();
    }
}
