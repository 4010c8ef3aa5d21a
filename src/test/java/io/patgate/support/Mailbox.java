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

    public record Mail(String to, String subject, String text, String event) {
    }

    private final GreenMail server = new GreenMail(new ServerSetup(3025, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));

    public Mailbox() {
        server.start();
    }

    /** Every message received for {@code address}. */
    public List<Mail> to(String address) {
        return Arrays.stream(server.getReceivedMessages())
                .map(Mailbox::read)
                .filter(m -> m.to().equalsIgnoreCase(address))
                .toList();
    }

    private static Mail read(MimeMessage message) {
        try {
            String[] event = message.getHeader("X-Patgate-Event");
            return new Mail(message.getAllRecipients()[0].toString(), message.getSubject(), String.valueOf(message.getContent()),
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
