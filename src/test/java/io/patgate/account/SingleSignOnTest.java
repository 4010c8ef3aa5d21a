package io.patgate.account;

import static io.patgate.support.Api.as;
import static io.patgate.support.Api.isProblem;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.patgate.support.Api;
import io.patgate.support.SsoClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Single sign-on over real HTTP against a real OpenID provider (support/OidcProviderResource), each browser a
 * {@link SsoClient} with its own cookies, driving the redirects by hand so that every step can be replayed, swapped
 * between browsers or tampered with.
 */
@QuarkusTest
class SingleSignOnTest {

    private static String aName() {
        return "sso-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Trades a successful callback's one-time code for the session; returns {token, expiresAt, returnTo}. */
    private static JsonPath collect(String location) {
        String code = SsoClient.handoff(location);
        assertNotNull(code, "signed in, not refused: " + location);
        return given().contentType(ContentType.JSON)
                .body(Map.of("code", code))
                .post("/api/v1/auth/oidc/session")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    private static JsonPath me(String session) {
        return as(session).get("/api/v1/me").then().statusCode(200).extract().jsonPath();
    }

    @Test
    void theSignInPageIsToldSingleSignOnIsOn() {
        given().get("/api/v1/auth/oidc")
                .then()
                .statusCode(200)
                .body("sso", equalTo(true))
                .body("displayName", equalTo("Mock SSO"))
                .body("startPath", equalTo("/auth/oidc/start"))
                .body("passwords", equalTo(true));
    }

    @Test
    void theFirstSignInMakesTheAccountWithRolesFromItsGroupsAndEndsInAnOrdinarySession() {
        String name = aName();
        SsoClient browser = new SsoClient();
        URI authorization = browser.start("/tokens/new?name=ci");
        Map<String, String> asked = SsoClient.query(authorization);
        assertEquals("code", asked.get("response_type"));
        assertEquals("S256", asked.get("code_challenge_method"));
        assertNotNull(asked.get("code_challenge"));
        assertNotNull(asked.get("state"));
        assertNotNull(asked.get("nonce"));
        assertEquals("http://localhost:8081/auth/oidc/callback", asked.get("redirect_uri"));
        assertTrue(asked.get("scope").contains("openid"));

        String location = browser.callback(browser.authorize(
                authorization, name, SsoClient.claims(name, List.of("patgate-admins", "deploy", "/nested/group"))));
        assertTrue(location.startsWith("/signin#sso="), "the session never travels in the URL: " + location);
        JsonPath session = collect(location);
        assertEquals("/tokens/new?name=ci", session.getString("returnTo"));
        JsonPath me = me(session.getString("token"));
        assertEquals(name, me.getString("username"));
        assertEquals("session", me.getString("authMethod"));
        // the mapped group became admin, the other as it is; a group that cannot be a role is left out
        assertEquals(List.of("admin", "deploy"), me.getList("roles"));
        // an ordinary session: an admin's pages, tokens
        as(session.getString("token")).get("/api/v1/users").then().statusCode(200);
        Api.createToken(
                session.getString("token"),
                Map.of("name", "from-sso", "scopes", List.of("deploy"), "expiresInDays", 7));
        // and audited like a password sign-in
        String audit = as(Api.adminSession())
                .get("/api/v1/audit?size=500")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertTrue(audit.contains("method sso"), "login.succeeded with method sso");
    }

    @Test
    void theHandoffCodeWorksOnce() {
        String location = new SsoClient().signIn(aName(), List.of());
        collect(location);
        isProblem(
                        given().contentType(ContentType.JSON)
                                .body(Map.of("code", SsoClient.handoff(location)))
                                .post("/api/v1/auth/oidc/session")
                                .then(),
                        401)
                .body("detail", containsString("sign in again"));
        isProblem(
                given().contentType(ContentType.JSON)
                        .body(Map.of("code", "made-up"))
                        .post("/api/v1/auth/oidc/session")
                        .then(),
                401);
        isProblem(
                given().contentType(ContentType.JSON)
                        .body(Map.of())
                        .post("/api/v1/auth/oidc/session")
                        .then(),
                400);
    }

    @Test
    void everySignInSetsTheRolesFromTheGroupsAndADemotionTakesEffectAtOnce() {
        String name = aName();
        SsoClient browser = new SsoClient();
        String first = collect(browser.signIn(name, List.of("patgate-admins", "deploy")))
                .getString("token");
        assertEquals(List.of("admin", "deploy"), me(first).getList("roles"));

        String second = collect(browser.signIn(name, List.of("deploy", "read"))).getString("token");
        assertEquals(List.of("deploy", "read"), me(second).getList("roles"));
        // the session opened while an admin is demoted with the account, on the next request
        assertEquals(List.of("deploy", "read"), me(first).getList("roles"));
        isProblem(as(first).get("/api/v1/users").then(), 403);
        assertEquals(
                me(first).getString("id"),
                me(second).getString("id"),
                "the same account (issuer + sub), not a new one");
    }

    @Test
    void aStateStartedInAnotherBrowserIsRefused() {
        // login CSRF: the attacker signs in at the provider and hands the callback URL to the victim's browser
        SsoClient attacker = new SsoClient();
        URI redirect = attacker.authorize(attacker.start("/tokens"), aName(), SsoClient.claims("mallory", List.of()));
        SsoClient victim = new SsoClient();
        assertEquals("state", SsoClient.refusal(victim.callback(redirect)));
        // with a cookie of its own, from a sign-in of its own, the victim's browser is refused alike
        victim.start("/tokens");
        assertEquals("state", SsoClient.refusal(victim.callback(redirect)));
        // and the state was spent: not even the browser that started it can use it now
        assertEquals("state", SsoClient.refusal(attacker.callback(redirect)));
    }

    @Test
    void anUnknownOrMissingStateIsRefused() {
        SsoClient browser = new SsoClient();
        URI redirect = browser.authorize(browser.start("/tokens"), aName(), "{}");
        String code = SsoClient.query(redirect).get("code");
        assertEquals(
                "state",
                SsoClient.refusal(browser.callback(
                        URI.create(SsoClient.BASE + "/auth/oidc/callback?code=" + code + "&state=forged"))));
        assertEquals(
                "state",
                SsoClient.refusal(browser.callback(URI.create(SsoClient.BASE + "/auth/oidc/callback?code=" + code))));
        assertEquals("state", SsoClient.refusal(browser.callback(URI.create(SsoClient.BASE + "/auth/oidc/callback"))));
    }

    @Test
    void aCodeOrStateUsedTwiceIsRefused() {
        SsoClient browser = new SsoClient();
        String name = aName();
        URI redirect = browser.authorize(browser.start("/tokens"), name, SsoClient.claims(name, List.of()));
        collect(browser.callback(redirect));
        // the same answer again: its state is spent
        assertEquals("state", SsoClient.refusal(browser.callback(redirect)));
        // the spent code with a fresh state of this browser: the provider takes a code once (and its PKCE verifier
        // differs)
        String freshState = SsoClient.query(browser.start("/tokens")).get("state");
        String code = SsoClient.query(redirect).get("code");
        assertEquals(
                "token",
                SsoClient.refusal(browser.callback(URI.create(SsoClient.BASE + "/auth/oidc/callback?code="
                        + SsoClient.encode(code) + "&state=" + SsoClient.encode(freshState)))));
    }

    @Test
    void anIdTokenWithAnotherSignInsNonceIsRefused() {
        // two sign-ins of one browser; the provider is asked for a code with the second one's nonce but the first one's
        // PKCE
        // challenge, so only the nonce check can tell them apart
        SsoClient browser = new SsoClient();
        URI first = browser.start("/tokens");
        URI second = browser.start("/tokens");
        Map<String, String> one = SsoClient.query(first);
        String swapped = second.toString()
                .replace(
                        "code_challenge="
                                + SsoClient.encode(SsoClient.query(second).get("code_challenge")),
                        "code_challenge=" + SsoClient.encode(one.get("code_challenge")));
        URI redirect = browser.authorize(URI.create(swapped), aName(), "{}");
        String code = SsoClient.query(redirect).get("code");
        assertEquals(
                "token",
                SsoClient.refusal(browser.callback(URI.create(SsoClient.BASE + "/auth/oidc/callback?code="
                        + SsoClient.encode(code) + "&state=" + SsoClient.encode(one.get("state"))))));
        String audit = as(Api.adminSession())
                .get("/api/v1/audit?size=500")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertTrue(audit.toLowerCase().contains("nonce"), "refused for its nonce");
    }

    @Test
    void anIdTokenForAnotherAudienceOrExpiredIsRefused() {
        SsoClient browser = new SsoClient();
        String name = aName();
        assertEquals(
                "token",
                SsoClient.refusal(browser.callback(browser.authorize(
                        browser.start("/tokens"),
                        name,
                        "{\"preferred_username\":\"" + name + "\",\"aud\":\"another-client\"}"))));
        long past = Instant.now().minusSeconds(3600).getEpochSecond();
        assertEquals(
                "token",
                SsoClient.refusal(browser.callback(browser.authorize(
                        browser.start("/tokens"),
                        name,
                        "{\"preferred_username\":\"" + name + "\",\"exp\":" + past + ",\"iat\":" + (past - 60)
                                + "}"))));
        given().get("/api/v1/users?q=" + name).then(); // nothing to look at: no account was made
        JsonPath users = as(Api.adminSession())
                .get("/api/v1/users?q=" + name)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertEquals(0, users.getList("$").size(), "no account for a refused ID token");
    }

    @Test
    void returnToStaysOnThisSite() {
        for (String evil : List.of(
                "//evil.example/x",
                "https://evil.example/",
                "/\\evil.example",
                "\\\\evil.example",
                "/%2F%2Fevil.example",
                "javascript:alert(1)",
                "/\t/evil.example",
                "")) {
            SsoClient browser = new SsoClient();
            String name = aName();
            String location =
                    browser.callback(browser.authorize(browser.start(evil), name, SsoClient.claims(name, List.of())));
            assertEquals("/tokens", collect(location).getString("returnTo"), evil);
        }
    }

    @Test
    void aLocalPasswordAccountIsNeverTakenOver() {
        Api.TestUser local = Api.aUser("deploy");
        assertEquals(
                "local-account",
                SsoClient.refusal(new SsoClient().signIn(local.username(), List.of("patgate-admins"))));
        JsonPath me = me(local.session()); // its password still signs in, its roles untouched
        assertEquals(List.of("deploy"), me.getList("roles"));
    }

    @Test
    void aServiceAccountIsNeverSignedInTo() {
        String account =
                ServiceAccountsTest.anAccount(List.of("deploy"), List.of()).getString("name");
        assertEquals("name-taken", SsoClient.refusal(new SsoClient().signIn(account, List.of())));
    }

    @Test
    void aDisabledOrDeletedAccountCannotSignInThisWay() {
        String name = aName();
        String id = me(collect(new SsoClient().signIn(name, List.of())).getString("token"))
                .getString("id");
        String admin = Api.adminSession();
        as(admin)
                .contentType(ContentType.JSON)
                .body(Map.of("disabled", true))
                .patch("/api/v1/users/" + id)
                .then()
                .statusCode(200);
        assertEquals("disabled", SsoClient.refusal(new SsoClient().signIn(name, List.of())));

        // a handoff issued before the account was disabled yields no session either
        String other = aName();
        String otherId = me(collect(new SsoClient().signIn(other, List.of())).getString("token"))
                .getString("id");
        String pending = new SsoClient().signIn(other, List.of());
        as(admin)
                .contentType(ContentType.JSON)
                .body(Map.of("disabled", true))
                .patch("/api/v1/users/" + otherId)
                .then()
                .statusCode(200);
        isProblem(
                given().contentType(ContentType.JSON)
                        .body(Map.of("code", SsoClient.handoff(pending)))
                        .post("/api/v1/auth/oidc/session")
                        .then(),
                401);

        as(admin).delete("/api/v1/users/" + id).then().statusCode(204);
        assertEquals("deleted", SsoClient.refusal(new SsoClient().signIn(name, List.of())));
    }

    @Test
    void anUnusableUsernameIsExplained() {
        assertEquals("username", SsoClient.refusal(new SsoClient().signIn("has space", List.of())));
    }

    @Test
    void anAccountMadeBySingleSignOnHasNoPassword() {
        String name = aName();
        collect(new SsoClient().signIn(name, List.of()));
        isProblem(
                given().contentType(ContentType.JSON)
                        .body(Map.of("username", name, "password", "!sso"))
                        .post("/api/v1/auth/login")
                        .then(),
                401);
    }

    @Test
    void theProvidersRefusalLandsOnTheSignInPage() {
        SsoClient browser = new SsoClient();
        String state = SsoClient.query(browser.start("/tokens")).get("state");
        assertEquals(
                "provider",
                SsoClient.refusal(browser.callback(URI.create(
                        SsoClient.BASE + "/auth/oidc/callback?error=access_denied&state=" + SsoClient.encode(state)))));
    }
}
