package io.patgate.account;

import io.patgate.audit.AuditService;
import io.patgate.audit.NoticeOutbox;
import io.patgate.domain.AuditAction;
import io.patgate.domain.Refusal;
import io.patgate.identity.Caller;
import io.patgate.identity.IdentityState;
import io.patgate.store.Transactions;
import io.patgate.store.User;
import io.patgate.store.UserRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * An account's own notice settings: the address its notices are mailed to (confirmed by a link first, see
 * {@link EmailConfirmations}) and which notices it wants by email. Split from {@link UserService}, which manages
 * accounts as an admin does.
 */
@ApplicationScoped
public class NoticeSettingsService {

    private final UserRepository users;
    private final Transactions transactions;
    private final AuditService audit;
    private final IdentityState state;
    private final EmailConfirmations confirmations;

    public NoticeSettingsService(
            UserRepository users,
            Transactions transactions,
            AuditService audit,
            IdentityState state,
            EmailConfirmations confirmations) {
        this.users = users;
        this.transactions = transactions;
        this.audit = audit;
        this.state = state;
        this.confirmations = confirmations;
    }

    /** An account after a change, and the confirmation link to mail once it commits (null for none). */
    private record Changed(User user, EmailConfirmations.Link link) {}

    /** The notice settings of the caller's own account. */
    public Uni<UserRequests.NoticeSettings> noticeSettings(Caller caller) {
        return transactions.read(() -> users.findLive(caller.userId()).chain(found -> {
            User user = UserService.require(found);
            return confirmations.of(user.id).map(state -> settings(user, state));
        }));
    }

    /**
     * Changes the caller's own notice settings. Its endpoint takes a session only ({@code @SessionRequired}): where security
     * notices go is the account's business, not a token's. A new address is unconfirmed and is mailed a confirmation link
     * (429 once the day's confirmation mails are used up, and nothing changes).
     */
    public Uni<UserRequests.NoticeSettings> changeNoticeSettings(Caller caller, UserRequests.NoticeSettings request) {
        String email = UserService.email(request.email());
        List<String> kinds = request.emailNotices() == null ? null : noticeKinds(request.emailNotices());
        return transactions
                .write(() -> users.findLiveForUpdate(caller.userId()).chain(found -> {
                    User user = UserService.require(found);
                    boolean emailChanged = request.email() != null && !java.util.Objects.equals(email, user.email);
                    if (emailChanged) {
                        user.email = email;
                    }
                    if (kinds != null) {
                        user.emailNotices = kinds.toArray(String[]::new);
                    }
                    user.updatedAt = UserService.now();
                    Uni<EmailConfirmations.Link> link = emailChanged
                            ? confirmations.addressChanged(user)
                            : Uni.createFrom().nullItem();
                    return link.call(() -> audit.record(
                                    AuditService.actor(caller),
                                    AuditAction.USER_NOTICE_SETTINGS_CHANGED,
                                    user.id,
                                    user.username,
                                    null,
                                    "email "
                                            + (user.email == null
                                                    ? "none"
                                                    : emailChanged ? "set, unconfirmed" : "unchanged")
                                            + ", notices " + Arrays.asList(user.emailNotices)))
                            .map(l -> new Changed(user, l));
                }))
                .invoke(changed -> state.putUser(UserService.toState(changed.user())))
                .call(changed -> confirmations.send(changed.link()))
                .chain(changed -> noticeSettings(caller));
    }

    /** Sends the caller's unconfirmed address a new link; its endpoint takes a session only ({@code @SessionRequired}). */
    public Uni<UserRequests.NoticeSettings> resendConfirmation(Caller caller) {
        return transactions
                .write(() -> users.findLiveForUpdate(caller.userId())
                        .chain(found -> confirmations.renew(UserService.require(found))))
                .call(confirmations::send)
                .chain(link -> noticeSettings(caller));
    }

    /** Follows a confirmation link (whoever holds it: it was mailed to the address). */
    public Uni<UserRequests.EmailConfirmed> confirmEmail(String secret) {
        return confirmations
                .confirm(secret)
                .map(c -> new UserRequests.EmailConfirmed(c.username(), c.email(), c.confirmedAt()));
    }

    private UserRequests.NoticeSettings settings(User user, io.patgate.store.EmailConfirmation state) {
        boolean confirmed = state != null && state.confirms(user.email);
        Instant sentAt = state != null && user.email != null && user.email.equals(state.email) && !confirmed
                ? state.linkSentAt
                : null;
        return new UserRequests.NoticeSettings(
                user.email,
                List.of(user.emailNotices),
                confirmations.enabled(),
                user.email == null ? null : confirmed,
                sentAt);
    }

    private static List<String> noticeKinds(List<String> requested) {
        for (String kind : requested) {
            if (!NoticeOutbox.EMAIL_KINDS.contains(kind)) {
                throw Refusal.invalid("emailNotices", "'" + kind + "' is not one of " + NoticeOutbox.EMAIL_KINDS);
            }
        }
        return NoticeOutbox.EMAIL_KINDS.stream().filter(requested::contains).toList();
    }
}
