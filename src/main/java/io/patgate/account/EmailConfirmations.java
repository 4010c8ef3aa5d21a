package io.patgate.account;

import io.patgate.audit.AuditService;
import io.patgate.config.PatgateConfig;
import io.patgate.domain.AuditAction;
import io.patgate.domain.Refusal;
import io.patgate.identity.Digests;
import io.patgate.store.EmailConfirmation;
import io.patgate.store.EmailConfirmationRepository;
import io.patgate.store.SendLimit;
import io.patgate.store.Transactions;
import io.patgate.store.User;
import io.patgate.store.UserRepository;
import io.quarkus.mailer.Mail;
import io.quarkus.mailer.reactive.ReactiveMailer;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * An address gets notices only once someone who reads it said so: setting an address (on the profile, or by an admin)
 * keeps it unconfirmed and mails it one link, and only following that link confirms it. The link holds 256 random
 * bits, is kept only as their SHA-256 digest, works once and for {@code patgate.notices.confirmation-link-lifetime},
 * and points at {@code patgate.notices.public-url} (never at a host a request named). Changing the address undoes the
 * confirmation. Confirmation mails are limited per account and per recipient a day, on every replica's count, so
 * setting someone's address again and again cannot bomb their mailbox.
 */
@ApplicationScoped
public class EmailConfirmations {

    private static final Logger LOG = Logger.getLogger(EmailConfirmations.class);
    private static final Duration DAY = Duration.ofDays(1);
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(5);
    static final String SUBJECT = "patgate: confirm your address for notices";
    /** The page of the web UI that confirms; the secret travels in the fragment, which no server or log ever sees. */
    static final String PAGE = "/confirm-email#";

    /** A link made in a transaction, to be mailed once it commits. */
    record Link(UUID userId, String username, String email, String secret, byte[] digest, Instant expiresAt) {}

    /** What a followed link confirmed. */
    public record Confirmed(String username, String email, Instant confirmedAt) {}

    private final EmailConfirmationRepository confirmations;
    private final UserRepository users;
    private final Transactions transactions;
    private final AuditService audit;
    private final ReactiveMailer mailer;
    private final Optional<String> from;
    private final Optional<String> publicUrl;
    private final Duration lifetime;
    private final int perDay;
    private final int mailsPerDay;
    private final SecureRandom random = new SecureRandom();

    public EmailConfirmations(
            EmailConfirmationRepository confirmations,
            UserRepository users,
            Transactions transactions,
            AuditService audit,
            ReactiveMailer mailer,
            PatgateConfig config) {
        this.confirmations = confirmations;
        this.users = users;
        this.transactions = transactions;
        this.audit = audit;
        this.mailer = mailer;
        this.from = config.notices().emailFrom().filter(f -> !f.isBlank());
        this.publicUrl = config.notices()
                .publicUrl()
                .filter(u -> !u.isBlank())
                .map(u -> u.endsWith("/") ? u.substring(0, u.length() - 1) : u);
        this.lifetime = config.notices().confirmationLinkLifetime();
        this.perDay = config.notices().confirmationMailsPerDay();
        this.mailsPerDay = config.notices().mailsPerRecipientPerDay();
        if (from.isPresent() && publicUrl.isEmpty()) {
            LOG.warn(
                    "patgate.notices.email-from is set but patgate.notices.public-url is not: no address can be confirmed, so no mail is sent");
        }
    }

    /** Whether this server mails at all: a sender and the public address confirmation links point at. */
    public boolean enabled() {
        return from.isPresent() && publicUrl.isPresent();
    }

    /**
     * In the caller's transaction, once {@code user}'s address changed (to none, or to another): what confirmed the old
     * address is forgotten, and a new address gets a link, counted against the daily limits (429 beyond them, and the
     * transaction rolls back). The link to mail after the commit; null when there is none to mail.
     */
    Uni<Link> addressChanged(User user) {
        return confirmations.findForUpdate(user.id).chain(found -> {
            if (user.email == null) {
                return found == null
                        ? Uni.createFrom().nullItem()
                        : confirmations.delete(found).replaceWith((Link) null);
            }
            EmailConfirmation state = found == null ? new EmailConfirmation() : found;
            state.userId = user.id;
            state.email = user.email;
            state.confirmedAt = null;
            state.linkDigest = null;
            state.linkExpiresAt = null;
            state.linkSentAt = null;
            Uni<EmailConfirmation> saved = found == null
                    ? confirmations.persist(state)
                    : Uni.createFrom().item(state);
            return enabled() ? saved.chain(s -> newLink(user, s)) : saved.replaceWith((Link) null);
        });
    }

    /** In the caller's transaction: a fresh link for {@code user}'s unconfirmed address (the older one stops working). */
    Uni<Link> renew(User user) {
        if (!enabled()) {
            throw Refusal.conflict(
                    "This server sends no email (patgate.notices.email-from and patgate.notices.public-url are not both set)");
        }
        if (user.email == null) {
            throw Refusal.conflict("There is no address to confirm; set one first");
        }
        return confirmations.findForUpdate(user.id).chain(found -> {
            if (found != null && found.confirms(user.email)) {
                throw Refusal.conflict("This address is confirmed already");
            }
            if (found == null || !user.email.equals(found.email)) {
                return addressChanged(user);
            }
            return newLink(user, found);
        });
    }

    private Uni<Link> newLink(User user, EmailConfirmation state) {
        String recipient = SendLimit.recipient(user.email);
        return confirmations
                .count(SendLimit.CONFIRM_ACCOUNT, user.id.toString(), DAY)
                .chain(account -> confirmations
                        .count(SendLimit.CONFIRM_RECIPIENT, recipient, DAY)
                        .chain(address -> {
                            if (!account.within(perDay) || !address.within(perDay)) {
                                int wait = Math.max(
                                        !account.within(perDay) ? account.resetsIn() : 0,
                                        !address.within(perDay) ? address.resetsIn() : 0);
                                throw Refusal.throttled(
                                        wait,
                                        "At most " + perDay
                                                + " confirmation mails a day go to one address or for one account;"
                                                + " try again in " + hours(wait));
                            }
                            return confirmations.count(SendLimit.MAIL, recipient, DAY);
                        }))
                .map(mails -> {
                    if (!mails.within(mailsPerDay)) {
                        throw Refusal.throttled(
                                mails.resetsIn(),
                                "This address got " + mailsPerDay + " mails from patgate today already;"
                                        + " try again in " + hours(mails.resetsIn()));
                    }
                    byte[] bytes = new byte[32];
                    random.nextBytes(bytes);
                    String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
                    state.linkDigest = Digests.sha256(secret);
                    state.linkExpiresAt = Instant.now().plus(lifetime).truncatedTo(ChronoUnit.MICROS);
                    state.linkSentAt = null;
                    return new Link(user.id, user.username, user.email, secret, state.linkDigest, state.linkExpiresAt);
                });
    }

    /**
     * After the commit: mails the link, and records when the SMTP server took it. A failure is logged and leaves
     * {@code linkSentAt} unset (the profile can send another); it fails nothing else.
     */
    Uni<Void> send(Link link) {
        if (link == null) {
            return Uni.createFrom().voidItem();
        }
        String url = publicUrl.orElseThrow() + PAGE + link.secret();
        String text = "The patgate account " + plain(link.username())
                + " asked for notices about its personal access tokens to be "
                + "emailed to this address.\n\nTo confirm, open this link and choose \"Confirm email address\". It works once, until "
                + link.expiresAt().truncatedTo(ChronoUnit.SECONDS) + ":\n\n" + url + "\n\n"
                + "If you did not ask for this, ignore this mail: patgate sends nothing to this address unless it is confirmed.\n";
        return mailer.send(Mail.withText(link.email(), SUBJECT, text)
                        .setFrom(from.orElseThrow())
                        .addHeader("X-Patgate-Event", "email.confirmation"))
                // the request waits for it: a mail server that hangs must not hold it until the request timeout
                .ifNoItem()
                .after(SEND_TIMEOUT)
                .fail()
                .chain(() -> transactions.write(() -> confirmations
                        .findForUpdate(link.userId())
                        .invoke(state -> {
                            if (state != null && Arrays.equals(state.linkDigest, link.digest())) {
                                state.linkSentAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
                            }
                        })))
                .invoke(() -> LOG.infof("Sent a confirmation link to the address of user %s", link.userId()))
                .onFailure()
                .invoke(e ->
                        LOG.warnf("Could not send the confirmation mail of user %s: %s", link.userId(), e.toString()))
                .onFailure()
                .recoverWithNull()
                .replaceWithVoid();
    }

    /** Follows a link: confirms the address it was mailed to, if it is still the account's and the link is good. Once. */
    public Uni<Confirmed> confirm(String secret) {
        byte[] digest = Digests.sha256(secret);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        return transactions
                .write(() -> confirmations.findByLinkForUpdate(digest).chain(state -> {
                    if (state == null || state.linkExpiresAt.isBefore(now)) {
                        throw Refusal.invalid(
                                "token",
                                "this link is unknown, used, replaced by a newer one or expired; "
                                        + "ask for a new one on your profile (Resend confirmation)");
                    }
                    return users.findLive(state.userId).chain(user -> {
                        if (user == null || !state.email.equals(user.email)) {
                            throw Refusal.invalid("token", "the account's address changed since this link was sent");
                        }
                        state.confirmedAt = now;
                        state.linkDigest = null;
                        state.linkExpiresAt = null;
                        return audit.record(
                                        AuditService.ANONYMOUS,
                                        AuditAction.USER_EMAIL_CONFIRMED,
                                        user.id,
                                        user.username,
                                        null,
                                        "the address was confirmed by the link mailed to it")
                                .replaceWith(new Confirmed(user.username, user.email, now));
                    });
                }))
                .invoke(c -> LOG.infof("User %s confirmed their notice address", c.username()));
    }

    /** The confirmation state of one account (null when it has none). */
    Uni<EmailConfirmation> of(UUID userId) {
        return confirmations.findById(userId);
    }

    /** The confirmation states of some accounts, by account. */
    Uni<Map<UUID, EmailConfirmation>> of(List<UUID> userIds) {
        return confirmations
                .byUsers(userIds)
                .map(list -> list.stream().collect(Collectors.toMap(c -> c.userId, Function.identity())));
    }

    private static String hours(int seconds) {
        long h = Math.max(1, Math.round(seconds / 3600.0));
        return h == 1 ? "an hour" : h + " hours";
    }

    /** A name as plain text on one line. */
    private static String plain(String text) {
        return text.codePoints()
                .map(c -> Character.isISOControl(c) ? ' ' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString();
    }
}
