package io.patgate.notice;

import static io.patgate.support.Api.as;
import static io.patgate.support.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.patgate.support.Api;
import io.patgate.support.Mailbox;
import io.patgate.support.Receiver;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A service account's tokens are told about like anyone's: to webhooks, which learn whose they are, and by mail to its managers. */
@QuarkusTest
class ServiceAccountNoticesTest {

    /** Sets and confirms the person's address, through the link mailed to it, as a person does (unconfirmed, nothing is mailed). */
    private static String withEmail(Api.TestUser person, List<String> kinds, Mailbox mailbox)
            throws InterruptedException {
        String address = person.username() + "@example.com";
        as(person.session())
                .contentType(ContentType.JSON)
                .body(Map.of("email", address, "emailNotices", kinds))
                .patch("/api/v1/me/notices")
                .then()
                .statusCode(200);
        eventually(
                Duration.ofSeconds(10),
                () -> assertEquals(1, mailbox.confirmations(address).size()));
        io.restassured.RestAssured.given()
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "token", Mailbox.secretOf(mailbox.confirmations(address).get(0))))
                .post("/api/v1/email-confirmations")
                .then()
                .statusCode(200);
        return address;
    }

    @Test
    void itsManagersAreMailedByTheirOwnChoicesAndWebhooksLearnWhoseTokenItIs() throws Exception {
        try (Receiver receiver = new Receiver();
                Mailbox mailbox = new Mailbox()) {
            String admin = Api.adminSession();
            String hookId = as(admin)
                    .contentType(ContentType.JSON)
                    .body(Map.of(
                            "url",
                            receiver.url("/revoked"),
                            "secret",
                            "service-account-secret-long-enough",
                            "events",
                            List.of("token.revoked")))
                    .post("/api/v1/admin/webhooks")
                    .then()
                    .statusCode(201)
                    .extract()
                    .path("id");
            try {
                Api.TestUser ada = Api.aUser();
                Api.TestUser bo = Api.aUser();
                Api.TestUser cy = Api.aUser();
                String adaMail = withEmail(ada, List.of("expiring", "revoked"), mailbox);
                String boMail = withEmail(bo, List.of("expiring"), mailbox);
                String cyMail = withEmail(cy, List.of("revoked"), mailbox);
                String name = "svc-" + UUID.randomUUID().toString().substring(0, 8);
                String account = as(admin)
                        .contentType(ContentType.JSON)
                        .body(Map.of(
                                "name",
                                name,
                                "roles",
                                List.of("deploy"),
                                "managers",
                                List.of(ada.username(), bo.username(), cy.username())))
                        .post("/api/v1/service-accounts")
                        .then()
                        .statusCode(201)
                        .extract()
                        .path("id");
                String byAdmin = as(ada.session())
                        .contentType(ContentType.JSON)
                        .body(Map.of("name", "by-admin"))
                        .post("/api/v1/service-accounts/" + account + "/tokens")
                        .then()
                        .statusCode(201)
                        .extract()
                        .path("id");
                String byAda = as(ada.session())
                        .contentType(ContentType.JSON)
                        .body(Map.of("name", "by-ada"))
                        .post("/api/v1/service-accounts/" + account + "/tokens")
                        .then()
                        .statusCode(201)
                        .extract()
                        .path("id");
                Api.Issued personal = Api.aToken(ada.session(), Map.of("name", "ada's own"));

                as(admin).delete("/api/v1/tokens/" + byAdmin).then().statusCode(204);
                as(ada.session()).delete("/api/v1/tokens/" + byAda).then().statusCode(204);
                as(ada.session())
                        .delete("/api/v1/tokens/" + personal.id())
                        .then()
                        .statusCode(204);

                // ada and cy want revocations; ada is not told of her own; bo wants none
                eventually(Duration.ofSeconds(15), () -> {
                    assertEquals(1, mailbox.to(adaMail).size());
                    assertEquals(2, mailbox.to(cyMail).size());
                });
                Thread.sleep(2000); // nothing more comes
                // fixed subjects (no name anyone chose goes there); the body says which token of which account
                String subject = "patgate: a token of a service account you manage was revoked";
                assertEquals(
                        List.of(subject),
                        mailbox.to(adaMail).stream().map(Mailbox.Mail::subject).toList());
                assertEquals(
                        List.of(subject, subject),
                        mailbox.to(cyMail).stream().map(Mailbox.Mail::subject).toList());
                Mailbox.Mail mail = mailbox.to(adaMail).get(0);
                assertTrue(
                        mail.text().contains("The token \"by-admin\"")
                                && mail.text().contains("of service account \"" + name + "\", which you manage,")
                                && mail.text().contains("reason admin"),
                        mail.text());
                List<String> cyTexts =
                        mailbox.to(cyMail).stream().map(Mailbox.Mail::text).toList();
                assertTrue(
                        cyTexts.stream().anyMatch(t -> t.contains("\"by-ada\"") && t.contains("reason owner")),
                        cyTexts.toString());
                assertTrue(
                        cyTexts.stream().anyMatch(t -> t.contains("\"by-admin\"") && t.contains("reason admin")),
                        cyTexts.toString());
                assertEquals(0, mailbox.to(boMail).size());

                eventually(
                        Duration.ofSeconds(15),
                        () -> assertEquals(1, receiver.about(personal.id()).size()));
                JsonPath ofAccount =
                        JsonPath.from(receiver.about(byAdmin).get(0).text());
                assertEquals(name, ofAccount.getString("user.username"));
                assertEquals(account, ofAccount.getString("user.id"));
                assertEquals(Boolean.TRUE, ofAccount.get("user.serviceAccount"));
                JsonPath ofPerson =
                        JsonPath.from(receiver.about(personal.id()).get(0).text());
                assertEquals(ada.username(), ofPerson.getString("user.username"));
                assertFalse(
                        ofPerson.getMap("user").containsKey("serviceAccount"), "a person's notice is as it always was");
            } finally {
                as(admin).delete("/api/v1/admin/webhooks/" + hookId).then().statusCode(204);
            }
        }
    }
}
