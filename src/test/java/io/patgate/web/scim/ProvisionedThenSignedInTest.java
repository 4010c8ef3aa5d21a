package io.patgate.web.scim;

import static io.patgate.support.Api.as;
import static io.patgate.support.Scim.USERS;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.patgate.support.Scim;
import io.patgate.support.SsoClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * SCIM and single sign-on meeting in one person: the account the provider's SCIM client made is the one its sign-in
 * lands in (by {@code externalId} = {@code sub}, else by the same userName), and an account SCIM deactivated cannot
 * come back through the provider's sign-in.
 */
@QuarkusTest
class ProvisionedThenSignedInTest {

    private static String provision(Scim.Client client, String userName, String externalId) {
        return client.request()
                .body(ScimProtocolTest.entraUser(userName, externalId))
                .post(USERS)
                .then()
                .statusCode(201)
                .extract()
                .path("id");
    }

    /** The session a successful callback's one-time code buys. */
    private static String session(String location) {
        String code = SsoClient.handoff(location);
        assertNotNull(code, "signed in, not refused: " + location);
        return given().contentType(ContentType.JSON)
                .body(Map.of("code", code))
                .post("/api/v1/auth/oidc/session")
                .then()
                .statusCode(200)
                .extract()
                .path("token");
    }

    private static String aName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void aSignInWhoseSubjectIsTheExternalIdLandsInTheProvisionedAccount() {
        Scim.Client client = Scim.aClient();
        String userName = aName("scim");
        String subject = aName("sub");
        String id = provision(client, userName, subject);

        // the provider's login: sub = subject, preferred_username something else entirely
        SsoClient browser = new SsoClient();
        String location = browser.callback(browser.authorize(
                browser.start("/tokens"), subject, SsoClient.claims(aName("other"), List.of("deploy"))));
        String session = session(location);
        as(session).get("/api/v1/me").then().statusCode(200);
        assertEquals(id, as(session).get("/api/v1/me").then().extract().path("id"));
        assertEquals(userName, as(session).get("/api/v1/me").then().extract().path("username"));
        assertEquals(
                List.of("deploy"),
                as(session).get("/api/v1/me").then().extract().path("roles"));
        // still the one account SCIM knows, now with the roles of the sign-in
        assertEquals(
                List.of("deploy"),
                client.request()
                        .get(USERS + "/" + id)
                        .then()
                        .statusCode(200)
                        .extract()
                        .path("roles.value"));
    }

    @Test
    void withoutTheExternalIdTheSameUserNameLinksTheProvisionedAccountOnce() {
        Scim.Client client = Scim.aClient();
        String userName = aName("scim");
        String id = provision(
                client,
                userName,
                "00u" + UUID.randomUUID().toString().replace("-", "").substring(0, 17));

        SsoClient browser = new SsoClient();
        String subject = aName("sub");
        String session = session(browser.callback(
                browser.authorize(browser.start("/tokens"), subject, SsoClient.claims(userName, List.of()))));
        assertEquals(
                id,
                as(session).get("/api/v1/me").then().statusCode(200).extract().path("id"));

        // linked to that subject now: another identity with the same name does not get in
        SsoClient intruder = new SsoClient();
        String refused = intruder.callback(
                intruder.authorize(intruder.start("/tokens"), aName("sub"), SsoClient.claims(userName, List.of())));
        assertNull(SsoClient.handoff(refused), "another subject must not sign in to a linked account: " + refused);
        assertEquals("name-taken", SsoClient.refusal(refused));
    }

    @Test
    void anAccountScimDeactivatedCannotComeBackThroughSignIn() {
        Scim.Client client = Scim.aClient();
        String userName = aName("scim");
        String subject = aName("sub");
        String id = provision(client, userName, subject);
        SsoClient browser = new SsoClient();
        String session = session(browser.callback(
                browser.authorize(browser.start("/tokens"), subject, SsoClient.claims(userName, List.of()))));

        client.request()
                .body(ScimDeprovisioningTest.DEACTIVATE_OKTA)
                .patch(USERS + "/" + id)
                .then()
                .statusCode(200);
        as(session).get("/api/v1/me").then().statusCode(401);

        SsoClient again = new SsoClient();
        String location =
                again.callback(again.authorize(again.start("/tokens"), subject, SsoClient.claims(userName, List.of())));
        assertEquals("disabled", SsoClient.refusal(location));

        // deleted by SCIM: the provider's sign-in does not make the account anew either
        client.request().delete(USERS + "/" + id).then().statusCode(204);
        SsoClient afterDelete = new SsoClient();
        String last = afterDelete.callback(
                afterDelete.authorize(afterDelete.start("/tokens"), subject, SsoClient.claims(userName, List.of())));
        assertNull(SsoClient.handoff(last), "a deleted account must not come back through sign-in: " + last);
    }
}
