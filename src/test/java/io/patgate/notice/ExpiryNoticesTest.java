package io.patgate.notice;

import static io.patgate.support.Api.as;
import static io.patgate.support.Api.isProblem;
import static io.patgate.support.Eventually.eventually;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.patgate.support.Api;
import io.patgate.support.Mailbox;
import io.patgate.support.Receiver;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Expiry notices fire at their thresholds, each once, as of an injected time (the scan takes its instant as a
 * parameter), reach a webhook, and reach the owner's mailbox (a real SMTP server) at 7 days and 1 day only.
 */
@QuarkusTest
class ExpiryNoticesTest {

    @Inject
    NoticeScanner scanner;

    private static Receiver receiver;
    private static Mailbox mailbox;

    @BeforeAll
    static void start() {
        receiver = new Receiver();
        mailbox = new Mailbox();
    }

    @AfterAll
    static void stop() {
        receiver.close();
        mailbox.close();
    }

    private void scan(Instant at) {
        scanner.scan(at).await().atMost(Duration.ofSeconds(10));
    }

    private static List<JsonPath> about(String tokenId) {
        return receiver.about(tokenId).stream()
                .map(r -> JsonPath.from(r.text()))
                .toList();
    }

    @Test
    void expiringAt30And7And1DaysThenExpiredEachOnceWithTheOwnerMailedAt7And1() throws Exception {
        String hookId = as(Api.adminSession())
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "url",
                        receiver.url("/expiry"),
                        "secret",
                        "expiry-secret-long-enough",
                        "events",
                        List.of("token.expiring", "token.expired")))
                .post("/api/v1/admin/webhooks")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        try {
            expiring();
        } finally {
            as(Api.adminSession())
                    .delete("/api/v1/admin/webhooks/" + hookId)
                    .then()
                    .statusCode(204);
        }
    }

    private void expiring() throws Exception {
        Api.TestUser eve = Api.aUser("deploy");
        String session = eve.session();
        String address = eve.username() + "@example.com";
        as(session)
                .contentType(ContentType.JSON)
                .body(Map.of("email", address))
                .patch("/api/v1/me/notices")
                .then()
                .statusCode(200)
                .body("email", equalTo(address))
                .body("emailNotices", contains("expiring", "new-address", "revoked"))
                .body("emailEnabled", equalTo(true))
                .body("emailConfirmed", equalTo(false));
        mailbox.setConfirmed(session, address);
        Instant now = Instant.now();
        Api.Issued token = Api.aToken(session, Map.of("name", "nightly-deploy", "expiresInDays", 40));
        // issued with 5 days to live: no 30- or 7-day warning (its owner chose that), only the 1-day one
        Api.Issued shortLived = Api.aToken(session, Map.of("expiresInDays", 5));
        // issued for exactly 30 and 7 days (30 is the default): told nothing at once about what was just chosen
        Api.Issued monthly = Api.aToken(session, Map.of("expiresInDays", 30));
        Api.Issued weekly = Api.aToken(session, Map.of("expiresInDays", 7));

        scan(now);
        scan(now.plus(Duration.ofDays(10)).plusSeconds(3600));
        scan(now.plus(Duration.ofDays(10)).plusSeconds(7200)); // the same window again: nothing new
        eventually(
                Duration.ofSeconds(10), () -> assertEquals(1, about(token.id()).size()));
        JsonPath first = about(token.id()).get(0);
        assertEquals("token.expiring", first.getString("event"));
        assertEquals(30, first.getInt("detail.days"));
        assertEquals("expiry", first.getString("detail.reason"));
        assertEquals("nightly-deploy", first.getString("token.name"));

        // (10 days on, the weekly one has expired, which is told)
        assertTrue(
                java.util.stream.Stream.concat(about(monthly.id()).stream(), about(weekly.id()).stream())
                        .noneMatch(j -> j.getString("event").equals("token.expiring")),
                "no warning at issue for the lifetime just chosen");

        scan(now.plus(Duration.ofDays(33)).plusSeconds(3600));
        scan(now.plus(Duration.ofDays(39)).plusSeconds(3600));
        scan(now.plus(Duration.ofDays(39)).plusSeconds(7200));
        scan(now.plus(Duration.ofDays(40)).plusSeconds(3600));
        scan(now.plus(Duration.ofDays(41)));
        eventually(
                Duration.ofSeconds(10), () -> assertEquals(4, about(token.id()).size()));
        Thread.sleep(1500);
        // deliveries may arrive in any order; a notice's `at` orders them
        List<JsonPath> got = about(token.id()).stream()
                .sorted(java.util.Comparator.comparing(j -> Instant.parse(j.getString("at"))))
                .toList();
        assertEquals(4, got.size(), "each threshold once, then expired once");
        assertEquals(
                List.of("token.expiring:30", "token.expiring:7", "token.expiring:1", "token.expired:null"),
                got.stream()
                        .map(j -> j.getString("event") + ":" + j.get("detail.days"))
                        .toList());
        assertEquals(
                got.get(3).getString("token.expiresAt"),
                got.get(3).getString("detail.expiredAt").replace("Z", "") + "Z");

        scan(now.plus(Duration.ofDays(4)).plusSeconds(3600));
        eventually(
                Duration.ofSeconds(10),
                () -> assertTrue(about(shortLived.id()).stream()
                        .anyMatch(j -> j.getString("event").equals("token.expiring") && j.getInt("detail.days") == 1)));
        assertTrue(
                about(shortLived.id()).stream()
                        .noneMatch(j -> j.getString("event").equals("token.expiring")
                                && !Integer.valueOf(1).equals(j.get("detail.days"))),
                "no warning for a threshold the token was issued inside of");

        // the owner's mailbox: the 7-day and 1-day warnings of the first token (not the 30-day one, not the expiry),
        // the
        // 1-day one of the second
        eventually(
                Duration.ofSeconds(15),
                () -> assertEquals(3, mailbox.to(address).size()));
        assertTrue(
                mailbox.to(address).stream()
                        .allMatch(m -> m.subject().equals("patgate: one of your tokens expires soon")),
                "a fixed subject, with no token name in it");
        List<String> texts =
                mailbox.to(address).stream().map(Mailbox.Mail::text).toList();
        assertTrue(
                texts.stream()
                        .anyMatch(
                                t -> t.startsWith("Your token \"nightly-deploy\"") && t.contains("expires in 7 days")),
                texts.toString());
        assertTrue(
                texts.stream()
                        .anyMatch(
                                t -> t.startsWith("Your token \"nightly-deploy\"") && t.contains("expires in 1 day,")),
                texts.toString());
        Mailbox.Mail mail = mailbox.to(address).stream()
                .filter(m -> m.text().contains("7 days"))
                .findFirst()
                .orElseThrow();
        assertEquals("token.expiring", mail.event());
        assertTrue(mail.text().contains("Regenerate"), mail.text());
        assertTrue(!mail.text().contains(token.value()), "never the value");
    }

    @Test
    void noticeSettingsAreTheOwnersAndChangeOnlyWithASession() {
        Api.TestUser frank = Api.aUser();
        String session = frank.session();
        as(session)
                .get("/api/v1/me/notices")
                .then()
                .statusCode(200)
                .body("email", nullValue())
                .body("emailNotices", contains("expiring", "new-address", "revoked"));
        as(session)
                .contentType(ContentType.JSON)
                .body(Map.of("email", "frank@example.com", "emailNotices", List.of("revoked")))
                .patch("/api/v1/me/notices")
                .then()
                .statusCode(200)
                .body("emailNotices", contains("revoked"));
        as(session).get("/api/v1/me/notices").then().body("email", equalTo("frank@example.com"));

        isProblem(
                        as(session)
                                .contentType(ContentType.JSON)
                                .body(Map.of("email", "not-an-address"))
                                .patch("/api/v1/me/notices")
                                .then(),
                        400)
                .body("errors[0].field", equalTo("email"));
        isProblem(
                        as(session)
                                .contentType(ContentType.JSON)
                                .body(Map.of("emailNotices", List.of("everything")))
                                .patch("/api/v1/me/notices")
                                .then(),
                        400)
                .body("errors[0].field", equalTo("emailNotices"));
        Api.Issued pat = Api.aToken(session, Map.of("scopes", List.of("tokens")));
        isProblem(
                as(pat.value())
                        .contentType(ContentType.JSON)
                        .body(Map.of("email", "attacker@example.com"))
                        .patch("/api/v1/me/notices")
                        .then(),
                403);
        as(session).get("/api/v1/me/notices").then().body("email", equalTo("frank@example.com"));

        // an admin sets or clears anyone's address
        as(Api.adminSession())
                .contentType(ContentType.JSON)
                .body(Map.of("email", "frank.ops@example.com"))
                .patch("/api/v1/users/" + frank.id())
                .then()
                .statusCode(200)
                .body("email", equalTo("frank.ops@example.com"));
        as(Api.adminSession())
                .contentType(ContentType.JSON)
                .body(Map.of("email", ""))
                .patch("/api/v1/users/" + frank.id())
                .then()
                .statusCode(200)
                .body("email", nullValue());
        // but not with an admin's token: a stolen one must not redirect where security notices go
        Api.Issued adminPat = Api.aToken(Api.adminSession(), Map.of("scopes", List.of("admin")));
        isProblem(
                as(adminPat.value())
                        .contentType(ContentType.JSON)
                        .body(Map.of("email", "attacker@example.com"))
                        .patch("/api/v1/users/" + frank.id())
                        .then(),
                403);
        as(Api.adminSession()).get("/api/v1/users/" + frank.id()).then().body("email", nullValue());
        // the names notices give to what no account did are not for accounts
        for (String reserved : List.of("system", "Anonymous")) {
            isProblem(
                            as(Api.adminSession())
                                    .contentType(ContentType.JSON)
                                    .body(Map.of("username", reserved, "password", Api.PASSWORD, "roles", List.of()))
                                    .post("/api/v1/users")
                                    .then(),
                            400)
                    .body("errors[0].field", equalTo("username"));
        }
        as(session)
                .contentType(ContentType.JSON)
                .body(Map.of("email", ""))
                .patch("/api/v1/me/notices")
                .then()
                .statusCode(200)
                .body("email", nullValue());
    }

    @Test
    void anOwnerIsMailedWhenSomeoneElseRevokesTheirTokenButNotWhenTheyDo() throws Exception {
        Api.TestUser gina = Api.aUser();
        String session = gina.session();
        String address = gina.username() + "@example.com";
        mailbox.setConfirmed(session, address);
        Api.Issued mine = Api.aToken(session, Map.of("name", "revoked-by-me"));
        Api.Issued theirs = Api.aToken(session, Map.of("name", "revoked-by-admin"));
        as(session).delete("/api/v1/tokens/" + mine.id()).then().statusCode(204);
        as(Api.adminSession()).delete("/api/v1/tokens/" + theirs.id()).then().statusCode(204);

        eventually(
                Duration.ofSeconds(15),
                () -> assertEquals(1, mailbox.to(address).size()));
        Thread.sleep(1500);
        List<Mailbox.Mail> mails = mailbox.to(address);
        assertEquals(1, mails.size(), "only the revocation by someone else");
        assertEquals("patgate: one of your tokens was revoked", mails.get(0).subject());
        assertTrue(
                mails.get(0).text().startsWith("Your token \"revoked-by-admin\""),
                mails.get(0).text());
        assertTrue(
                mails.get(0).text().contains("was revoked by admin, reason admin"),
                mails.get(0).text());
    }
}
