package io.patgate.notice;

import static io.patgate.support.Api.as;
import static io.patgate.support.Api.isProblem;
import static io.patgate.support.Eventually.eventually;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.patgate.support.Api;
import io.patgate.support.Mailbox;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Security review, issue 25, finding 4: notice mail goes only to an address whose reader confirmed it by a link mailed
 * to it (single-use, expiring, kept only as a digest, pointing at {@code patgate.notices.public-url}); confirmation mails
 * are capped per account and per recipient, and all mail per recipient and day, in the database; subjects are fixed
 * and hold nobody's words. Against a real SMTP server ({@link Mailbox}).
 */
@QuarkusTest
class EmailConfirmationTest {

    @Inject
    Pool pool;

    private static Mailbox mailbox;

    @BeforeAll
    static void start() {
        mailbox = new Mailbox();
    }

    @AfterAll
    static void stop() {
        mailbox.close();
    }

    private static io.restassured.response.ValidatableResponse setEmail(String session, String address) {
        return as(session)
                .contentType(ContentType.JSON)
                .body(Map.of("email", address))
                .patch("/api/v1/me/notices")
                .then();
    }

    private static io.restassured.response.ValidatableResponse confirm(String secret) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("token", secret))
                .post("/api/v1/email-confirmations")
                .then();
    }

    private void revokeAsAdmin(String session, String name) {
        Api.Issued token = Api.aToken(session, Map.of("name", name));
        as(Api.adminSession()).delete("/api/v1/tokens/" + token.id()).then().statusCode(204);
    }

    private long count(String sql, Object... args) {
        return io.patgate.support.Postgres.count(pool, sql, args);
    }

    @Test
    void anAddressGetsOnlyItsConfirmationLinkUntilTheLinkIsFollowedOnce() throws Exception {
        Api.TestUser olga = Api.aUser();
        String session = olga.session();
        String address = olga.username() + "@example.com";
        setEmail(session, address)
                .statusCode(200)
                .body("email", equalTo(address))
                .body("emailConfirmed", equalTo(false))
                .body("confirmationSentAt", notNullValue());

        // one mail: a fixed subject, and a link to the configured public address (not to a Host a request named)
        eventually(
                Duration.ofSeconds(10),
                () -> assertEquals(1, mailbox.confirmations(address).size()));
        Mailbox.Mail mail = mailbox.confirmations(address).get(0);
        assertEquals("patgate: confirm your address for notices", mail.subject());
        assertTrue(mail.text().contains("http://localhost:8081/confirm-email#"), mail.text());
        assertTrue(mail.text().contains("The patgate account " + olga.username() + " asked"), mail.text());
        String secret = Mailbox.secretOf(mail);
        assertEquals(43, secret.length(), "256 random bits");
        // kept only as its SHA-256 digest
        assertEquals(
                0,
                count(
                        "select count(*) from email_confirmation where strpos(row(email_confirmation.*)::text, $1) > 0",
                        secret));
        assertEquals(
                1,
                count(
                        "select count(*) from email_confirmation where user_id = $1 and link_digest = sha256(convert_to($2, 'UTF8'))",
                        UUID.fromString(olga.id()),
                        secret));

        // unconfirmed: a notice that would be mailed is not
        revokeAsAdmin(session, "revoked-before-confirming");
        Thread.sleep(3000);
        assertTrue(mailbox.to(address).isEmpty(), "nothing but the confirmation goes to an unconfirmed address");

        confirm(secret)
                .statusCode(200)
                .body("email", equalTo(address))
                .body("username", equalTo(olga.username()))
                .body("confirmedAt", notNullValue());
        isProblem(confirm(secret), 400).body("errors[0].field", equalTo("token")); // once
        as(session)
                .get("/api/v1/me/notices")
                .then()
                .body("emailConfirmed", equalTo(true))
                .body("confirmationSentAt", nullValue());
        as(Api.adminSession())
                .get("/api/v1/audit?username=" + olga.username())
                .then()
                .statusCode(200)
                .body("action", org.hamcrest.Matchers.hasItem("user.email-confirmed"));

        revokeAsAdmin(session, "revoked-after-confirming");
        eventually(
                Duration.ofSeconds(15),
                () -> assertEquals(1, mailbox.to(address).size()));
        assertTrue(mailbox.to(address).get(0).text().contains("\"revoked-after-confirming\""));

        // another address is unconfirmed again; the old one is no longer hers and gets nothing either
        String other = olga.username() + ".new@example.com";
        setEmail(session, other).statusCode(200).body("emailConfirmed", equalTo(false));
        revokeAsAdmin(session, "revoked-after-changing");
        Thread.sleep(3000);
        assertEquals(1, mailbox.to(address).size());
        assertTrue(mailbox.to(other).isEmpty());
        // and a link sent to the old address confirms nothing now
        as(session)
                .get("/api/v1/me/notices")
                .then()
                .body("email", equalTo(other))
                .body("emailConfirmed", equalTo(false));
    }

    @Test
    void aLinkExpiresAndAnotherOneReplacesTheFirst() {
        Api.TestUser pia = Api.aUser();
        String session = pia.session();
        String address = pia.username() + "@example.com";
        setEmail(session, address).statusCode(200);
        String first = mailbox.newestLink(address);
        as(session)
                .post("/api/v1/me/notices/confirmation")
                .then()
                .statusCode(202)
                .body("emailConfirmed", equalTo(false))
                .body("confirmationSentAt", notNullValue());
        String second = waitForAnotherLink(address, first);
        isProblem(confirm(first), 400).body("detail", containsString("replaced by a newer one"));

        pool.preparedQuery(
                        "update email_confirmation set link_expires_at = now() - interval '1 second' where user_id = $1")
                .execute(Tuple.of(UUID.fromString(pia.id())))
                .await()
                .atMost(Duration.ofSeconds(5));
        isProblem(confirm(second), 400).body("errors[0].field", equalTo("token"));
        as(session).get("/api/v1/me/notices").then().body("emailConfirmed", equalTo(false));

        // malformed secrets are a 400 naming the field, never a 500
        isProblem(confirm("short"), 400).body("errors[0].field", equalTo("token"));
        isProblem(
                given().contentType(ContentType.JSON)
                        .body("{}")
                        .post("/api/v1/email-confirmations")
                        .then(),
                400);
    }

    private static String waitForAnotherLink(String address, String old) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            String newest = mailbox.newestLink(address);
            if (!newest.equals(old)) {
                return newest;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        throw new AssertionError("no second confirmation mail to " + address);
    }

    @Test
    void confirmationMailsAreCappedPerRecipientAndPerAccount() throws Exception {
        String victim = "victim-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        Api.TestUser mallory = Api.aUser();
        String session = mallory.session();
        setEmail(session, victim).statusCode(200);
        as(session).post("/api/v1/me/notices/confirmation").then().statusCode(202);
        as(session).post("/api/v1/me/notices/confirmation").then().statusCode(202);
        // the fourth in a day is refused, with when to try again
        isProblem(as(session).post("/api/v1/me/notices/confirmation").then(), 429)
                .header("Retry-After", notNullValue())
                .body("detail", containsString("At most 3 confirmation mails a day"));
        // another account cannot go on, not even with a +tag or other capitals: the recipient's count is shared
        Api.TestUser trudy = Api.aUser();
        String other = trudy.session();
        isProblem(setEmail(other, victim), 429);
        isProblem(setEmail(other, victim.replace("@", "+again@").toUpperCase(java.util.Locale.ROOT)), 429);
        as(other).get("/api/v1/me/notices").then().body("email", nullValue()); // refused: nothing changed
        Thread.sleep(1000);
        assertEquals(3, mailbox.confirmations(victim).size(), "three mails, whoever asked");

        // one account cannot mail address after address either
        String prefix = "spray-" + UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 3; i++) {
            setEmail(other, prefix + "-" + i + "@example.com").statusCode(200);
        }
        isProblem(setEmail(other, prefix + "-3@example.com"), 429);
        assertTrue(mailbox.confirmations(prefix + "-3@example.com").isEmpty());

        // what there is to resend, and who may ask
        Api.TestUser quinn = Api.aUser();
        String quinnSession = quinn.session();
        isProblem(as(quinnSession).post("/api/v1/me/notices/confirmation").then(), 409); // no address
        Api.Issued pat = Api.aToken(quinnSession, Map.of("scopes", List.of("tokens")));
        isProblem(as(pat.value()).post("/api/v1/me/notices/confirmation").then(), 403);
        mailbox.setConfirmed(quinnSession, quinn.username() + "@example.com");
        isProblem(as(quinnSession).post("/api/v1/me/notices/confirmation").then(), 409)
                .body("detail", containsString("confirmed already"));
    }

    @Test
    void anAdminSettingSomeonesAddressOnlyStartsItsConfirmation() {
        Api.TestUser rita = Api.aUser();
        String address = rita.username() + ".team@example.com";
        as(Api.adminSession())
                .contentType(ContentType.JSON)
                .body(Map.of("email", address))
                .patch("/api/v1/users/" + rita.id())
                .then()
                .statusCode(200)
                .body("email", equalTo(address))
                .body("emailConfirmed", equalTo(false));
        confirm(mailbox.newestLink(address)).statusCode(200).body("username", equalTo(rita.username()));
        as(Api.adminSession()).get("/api/v1/users/" + rita.id()).then().body("emailConfirmed", equalTo(true));
        as(rita.session()).get("/api/v1/me/notices").then().body("emailConfirmed", equalTo(true));
    }

    @Test
    void aSubjectNeverCarriesATokensNameAndTheBodyHasItAsPlainText() throws Exception {
        Api.TestUser sam = Api.aUser();
        String session = sam.session();
        String address = sam.username() + "@example.com";
        mailbox.setConfirmed(session, address);
        String bait = "URGENT: your account is locked, call +1 555 0100";
        revokeAsAdmin(session, bait);
        eventually(
                Duration.ofSeconds(15),
                () -> assertEquals(1, mailbox.to(address).size()));
        Mailbox.Mail mail = mailbox.to(address).get(0);
        assertEquals("patgate: one of your tokens was revoked", mail.subject());
        assertFalse(mail.subject().contains("URGENT"));
        assertTrue(mail.text().startsWith("Your token \"" + bait + "\" (id "), mail.text());
    }

    @Test
    void aRecipientGetsAtMostItsDailyMailsCountedInTheDatabase() throws Exception {
        Api.TestUser uma = Api.aUser();
        String session = uma.session();
        String address = uma.username() + "@example.com";
        mailbox.setConfirmed(session, address);
        // as if every replica together had mailed it 50 times today already (the confirmation is one of them)
        pool.preparedQuery("update send_limit set used = 50 where bucket = 'mail' and key = $1")
                .execute(Tuple.of(address))
                .await()
                .atMost(Duration.ofSeconds(5));
        revokeAsAdmin(session, "one-too-many");
        Thread.sleep(4000);
        assertTrue(mailbox.to(address).isEmpty(), "over the day's limit: not mailed");
        assertEquals(
                1,
                count(
                        "select count(*) from delivery d join notice n on n.id = d.notice_id where n.user_id = $1 and d.recipient = $2"
                                + " and d.state = 'failed' and d.error like '%daily mail limit (50)%'",
                        UUID.fromString(uma.id()), address));
    }
}
