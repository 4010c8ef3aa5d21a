package io.patgate.notice;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.patgate.audit.NoticeOutbox;
import io.patgate.config.PatgateConfig;
import io.quarkus.mailer.Mail;
import io.quarkus.mailer.reactive.ReactiveMailer;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.Set;

/**
 * The owner's emails: which notices become one (when an address and {@code patgate.notices.email-from} are set, and
 * the owner wants that kind), and their plain-text words. Sent through the SMTP server of {@code quarkus.mailer.*}.
 */
@ApplicationScoped
public class NoticeMail {

    private final ReactiveMailer mailer;
    private final ObjectMapper json;
    private final Optional<String> from;
    private final Set<Integer> expiringDays;

    public NoticeMail(ReactiveMailer mailer, ObjectMapper json, PatgateConfig config) {
        this.mailer = mailer;
        this.json = json;
        this.from = config.notices().emailFrom().filter(f -> !f.isBlank());
        this.expiringDays = Set.copyOf(config.notices().emailExpiringDays());
    }

    public boolean enabled() {
        return from.isPresent();
    }

    /**
     * Whether the owner is emailed about a notice: an expiry at an emailed threshold (or a retirement warning), a
     * new address, or a revocation by anyone but the owner (not the deletion of the account itself).
     */
    public boolean wanted(String event, JsonNode detail, String ownerName, Set<String> ownerChoices) {
        return switch (event) {
            case NoticeOutbox.EXPIRING ->
                ownerChoices.contains("expiring")
                        && ("unused".equals(detail.path("reason").asText())
                                || expiringDays.contains(detail.path("days").asInt()));
            case NoticeOutbox.NEW_ADDRESS -> ownerChoices.contains("new-address");
            case NoticeOutbox.REVOKED ->
                ownerChoices.contains("revoked")
                        && !ownerName.equals(detail.path("by").asText())
                        && !"user-deleted".equals(detail.path("reason").asText());
            default -> false;
        };
    }

    public Uni<Void> send(String to, String event, String body) {
        if (from.isEmpty()) {
            return Uni.createFrom()
                    .failure(new IllegalStateException("email is not configured (patgate.notices.email-from)"));
        }
        JsonNode notice;
        try {
            notice = json.readTree(body);
        } catch (java.io.IOException e) {
            return Uni.createFrom().failure(e);
        }
        Words words = words(event, notice);
        return mailer.send(Mail.withText(to, words.subject(), words.text())
                .setFrom(from.get())
                .addHeader("X-Patgate-Event", event)
                .addHeader("X-Patgate-Delivery", notice.path("id").asText()));
    }

    record Words(String subject, String text) {}

    /**
     * How long a token had left when the notice was raised, in days (hours under half a day): the threshold itself
     * is what a late notice (raised after an outage, or for a token whose dates moved) would get wrong.
     */
    static String left(String at, String expiresAt, int threshold) {
        long hours;
        try {
            hours = (java.time.Duration.between(java.time.Instant.parse(at), java.time.Instant.parse(expiresAt))
                                    .toMinutes()
                            + 59)
                    / 60;
        } catch (java.time.format.DateTimeParseException e) {
            hours = threshold * 24L;
        }
        long days = Math.round(hours / 24.0);
        if (days >= 1) {
            return days + (days == 1 ? " day" : " days");
        }
        return Math.max(1, hours) + (hours <= 1 ? " hour" : " hours");
    }

    /**
     * The mail of a notice. The subject is fixed for each kind of notice and holds nothing anyone chose (a token's
     * name, its description): a mail from patgate must not carry someone's words where a reader takes them for
     * patgate's. The name appears in the plain-text body only, quoted, with any control character replaced.
     */
    static Words words(String event, JsonNode notice) {
        JsonNode token = notice.path("token");
        JsonNode detail = notice.path("detail");
        String name = "\"" + plain(token.path("name").asText()) + "\"";
        String about =
                "Your token " + name + " (id " + token.path("id").asText() + ", scopes " + token.path("scopes") + ")";
        // a service account's managers are told about its tokens; the subject stays fixed (no name anyone chose goes
        // there)
        JsonNode owner = notice.path("user");
        boolean service = owner.path("serviceAccount").asBoolean(false);
        if (service) {
            about = "The token " + name + " (id " + token.path("id").asText() + ", scopes " + token.path("scopes")
                    + ") of service account \"" + plain(owner.path("username").asText()) + "\", which you manage,";
        }
        return switch (event) {
            case NoticeOutbox.EXPIRING ->
                "unused".equals(detail.path("reason").asText())
                        ? new Words(
                                subject(SUBJECT_RETIRING, service),
                                about + " has not been used since "
                                        + detail.path("unusedSince").asText() + ".\nIt will be revoked on "
                                        + detail.path("retiresAt").asText() + " unless it is used before then.\n")
                        : new Words(
                                subject(SUBJECT_EXPIRING, service),
                                about + " expires in "
                                        + left(
                                                notice.path("at").asText(),
                                                token.path("expiresAt").asText(),
                                                detail.path("days").asInt())
                                        + ", at " + token.path("expiresAt").asText()
                                        + ".\nRegenerate it (Regenerate, in the token list) and "
                                        + "give the new value to whatever uses it before then, or it will stop working.\n");
            case NoticeOutbox.NEW_ADDRESS ->
                new Words(
                        subject(SUBJECT_NEW_ADDRESS, service),
                        about + " was used from " + detail.path("address").asText() + " (network "
                                + detail.path("network").asText()
                                + "), where it had not been used before.\nIf that was not you or your automation, revoke the token now.\n");
            case NoticeOutbox.REVOKED ->
                new Words(
                        subject(SUBJECT_REVOKED, service),
                        about + " was revoked by " + plain(detail.path("by").asText()) + ", reason "
                                + detail.path("reason").asText()
                                + ".\nWhatever used it now gets 401; create a new token if it is still needed.\n");
            default ->
                new Words(subject("patgate: a notice about one of your tokens", service), about + ": " + event + ".\n");
        };
    }

    static final String SUBJECT_EXPIRING = "patgate: one of your tokens expires soon";
    static final String SUBJECT_RETIRING = "patgate: one of your tokens will be retired unused";
    static final String SUBJECT_NEW_ADDRESS = "patgate: one of your tokens was used from a new address";
    static final String SUBJECT_REVOKED = "patgate: one of your tokens was revoked";

    /** A fixed subject; for a token of a service account, "one of your tokens" becomes "a service account's token". */
    static String subject(String fixed, boolean service) {
        return service ? fixed.replace("one of your tokens", "a token of a service account you manage") : fixed;
    }

    /** Text as plain text on one line: control characters (line breaks among them) become spaces. */
    static String plain(String text) {
        return text.codePoints()
                .map(c -> Character.isISOControl(c) ? ' ' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString();
    }
}
