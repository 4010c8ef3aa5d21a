package io.patgate.notice;

import static io.patgate.support.Api.as;
import static io.patgate.support.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.patgate.support.Api;
import io.patgate.support.BehindAProxy;
import io.patgate.support.Mailbox;
import io.patgate.support.Receiver;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The first use of a token from a network it was never used from (an IPv4 address, an IPv6 /64) is told once, from
 * the usage data written every second here, never from the request; the first network a token is used from is its
 * baseline. Behind a trusted proxy, so the test chooses the client address.
 */
@QuarkusTest
@TestProfile(BehindAProxy.class)
class NewAddressTest {

    private static void use(String token, String address) {
        as(token).header("X-Forwarded-For", address).get("/api/v1/me").then().statusCode(200);
    }

    @Test
    void aNewNetworkIsToldOnceAndTheSameSlash64IsNotNew() throws Exception {
        try (Receiver receiver = new Receiver();
                Mailbox mailbox = new Mailbox()) {
            String hookId = as(Api.adminSession())
                    .contentType(ContentType.JSON)
                    .body(Map.of(
                            "url",
                            receiver.url("/new-address"),
                            "secret",
                            "address-secret-long-enough",
                            "events",
                            List.of("token.used-from-new-address")))
                    .post("/api/v1/admin/webhooks")
                    .then()
                    .statusCode(201)
                    .extract()
                    .path("id");
            try {
                Api.TestUser ivy = Api.aUser();
                String address = ivy.username() + "@example.com";
                mailbox.setConfirmed(ivy.session(), address);
                Api.Issued token = Api.aToken(ivy.session(), Map.of("name", "ci-runner"));

                use(token.value(), "198.51.100.7");
                Thread.sleep(2500);
                use(token.value(), "198.51.100.7");
                Thread.sleep(2500);
                assertEquals(0, receiver.about(token.id()).size(), "the first address is the baseline");

                use(token.value(), "203.0.113.9");
                use(token.value(), "203.0.113.9");
                eventually(
                        Duration.ofSeconds(10),
                        () -> assertEquals(1, receiver.about(token.id()).size()));
                JsonPath notice =
                        JsonPath.from(receiver.about(token.id()).get(0).text());
                assertEquals("token.used-from-new-address", notice.getString("event"));
                assertEquals("203.0.113.9", notice.getString("detail.address"));
                assertEquals("203.0.113.9", notice.getString("token.lastUsedIp"));

                use(token.value(), "2001:db8:1:2::1");
                eventually(
                        Duration.ofSeconds(10),
                        () -> assertEquals(2, receiver.about(token.id()).size()));
                use(token.value(), "2001:db8:1:2::99"); // the same /64
                use(token.value(), "203.0.113.9"); // known
                use(token.value(), "198.51.100.7"); // known
                Thread.sleep(3000);
                List<JsonPath> got = receiver.about(token.id()).stream()
                        .map(r -> JsonPath.from(r.text()))
                        .toList();
                assertEquals(2, got.size(), "once per network");
                assertEquals(
                        "2001:db8:1:2::/64",
                        got.stream()
                                .filter(j -> j.getString("detail.address").startsWith("2001"))
                                .findFirst()
                                .orElseThrow()
                                .getString("detail.network"));

                eventually(
                        Duration.ofSeconds(15),
                        () -> assertEquals(2, mailbox.to(address).size()));
                assertEquals(
                        List.of(
                                "patgate: one of your tokens was used from a new address",
                                "patgate: one of your tokens was used from a new address"),
                        mailbox.to(address).stream().map(Mailbox.Mail::subject).toList(),
                        "a fixed subject, with nobody's words in it");
                List<String> texts = mailbox.to(address).stream()
                        .map(Mailbox.Mail::text)
                        .sorted()
                        .toList();
                assertTrue(
                        texts.get(0).startsWith("Your token \"ci-runner\"")
                                && texts.get(0).contains("was used from 2001:db8:1:2::1"),
                        texts.get(0));
                assertTrue(
                        texts.get(1).startsWith("Your token \"ci-runner\"")
                                && texts.get(1).contains("was used from 203.0.113.9"),
                        texts.get(1));
            } finally {
                as(Api.adminSession())
                        .delete("/api/v1/admin/webhooks/" + hookId)
                        .then()
                        .statusCode(204);
            }
        }
    }
}
