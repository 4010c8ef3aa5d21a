package io.patgate.support;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * A real SMTP server (GreenMail) in the test JVM, on the port the test profile gives the mailer (3025): what
 * patgate sends really crosses SMTP, and the test reads what arrived.
 */
public final class Mailbox implements AutoCloseable {

    public record Mail(String to, String subject, String text, String event) {}

    private final GreenMail server = new GreenMail(new ServerSetup(3025, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));

    public Mailbox() {
        server.start();
    }

    /** The event header of confirmation mails. */
    public static final String CONFIRMATION = "email.confirmation";

    /** Every notice mail received for {@code address} (not the confirmation mails: see {@link #confirmations}). */
    public List<Mail> to(String address) {
        return all(address).stream()
                .filter(m -> !CONFIRMATION.equals(m.event()))
                .toList();
    }

    /** The confirmation mails received for {@code address}, oldest first. */
    public List<Mail> confirmations(String address) {
        return all(address).stream().filter(m -> CONFIRMATION.equals(m.event())).toList();
    }

    private List<Mail> all(String address) {
        return Arrays.stream(server.getReceivedMessages())
                .map(Mailbox::read)
                .filter(m -> m.to().equalsIgnoreCase(address))
                .toList();
    }

    /** The secret of the link in a confirmation mail: what follows {@code /confirm-email#}. */
    public static String secretOf(Mail confirmation) {
        java.util.regex.Matcher link = java.util.regex.Pattern.compile("/confirm-email#([A-Za-z0-9_-]+)")
                .matcher(confirmation.text());
        if (!link.find()) {
            throw new AssertionError("no confirmation link in: " + confirmation.text());
        }
        return link.group(1);
    }

    /** The link of the newest confirmation mail to {@code address}, once it has arrived (within 10 s). */
    public String newestLink(String address) {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
        while (confirmations(address).isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no confirmation mail to " + address);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        List<Mail> mails = confirmations(address);
        return secretOf(mails.get(mails.size() - 1));
    }

    /**
     * Sets {@code address} as the notice address of the account signed in with {@code session}, and confirms it by the
     * link mailed to it, as its reader would: after this, notices are mailed there.
     */
    public void setConfirmed(String session, String address) {
        Api.as(session)
                .contentType(io.restassured.http.ContentType.JSON)
                .body(java.util.Map.of("email", address))
                .patch("/api/v1/me/notices")
                .then()
                .statusCode(200);
        io.restassured.RestAssured.given()
                .contentType(io.restassured.http.ContentType.JSON)
                .body(java.util.Map.of("token", newestLink(address)))
                .post("/api/v1/email-confirmations")
                .then()
                .statusCode(200);
        Api.as(session)
                .get("/api/v1/me/notices")
                .then()
                .statusCode(200)
                .body("emailConfirmed", org.hamcrest.Matchers.equalTo(true));
    }

    private static Mail read(MimeMessage message) {
        try {
            String[] event = message.getHeader("X-Patgate-Event");
            return new Mail(
                    message.getAllRecipients()[0].toString(),
                    message.getSubject(),
                    String.valueOf(message.getContent()),
                    event == null ? null : event[0]);
        } catch (MessagingException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop();
    }
}
