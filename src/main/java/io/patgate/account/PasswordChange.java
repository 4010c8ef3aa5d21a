package io.patgate.account;

import io.patgate.audit.AuditService;
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
import org.jboss.logging.Logger;

/**
 * A person changes their own password. Only with a session (its endpoint is {@code @SessionRequired}): a personal
 * access token is a password replacement and must never be able to take over the account. Counted by the login throttle (a wrong
 * current password is a guess like a failed login), audited, and every other session of the account
 * ends; the session making the change, and every personal access token, keep working.
 */
@ApplicationScoped
public class PasswordChange {

    private static final Logger LOG = Logger.getLogger(PasswordChange.class);

    private final UserRepository users;
    private final Transactions transactions;
    private final AuditService audit;
    private final Passwords passwords;
    private final LoginThrottle throttle;
    private final IdentityState state;

    public PasswordChange(
            UserRepository users,
            Transactions transactions,
            AuditService audit,
            Passwords passwords,
            LoginThrottle throttle,
            IdentityState state) {
        this.users = users;
        this.transactions = transactions;
        this.audit = audit;
        this.passwords = passwords;
        this.throttle = throttle;
        this.state = state;
    }

    public Uni<Void> changeOwn(Caller caller, UserRequests.ChangePassword request, String clientAddress) {
        throttle.check(caller.username(), clientAddress);
        passwords.requireLength("newPassword", request.newPassword());
        if (request.newPassword().equals(request.currentPassword())) {
            throw Refusal.invalid("newPassword", "must differ from the current password");
        }
        throttle.attempt(caller.username(), clientAddress);
        return transactions.read(() -> users.findLive(caller.userId())).chain(user -> {
            if (user == null || user.disabled) {
                throw Refusal.unauthenticated("The account is disabled or no longer exists");
            }
            return passwords
                    .verify(request.currentPassword(), user.passwordHash)
                    .chain(matches -> matches
                            ? replace(caller, user.passwordHash, request.newPassword(), clientAddress)
                            : wrongCurrent(caller));
        });
    }

    private Uni<Void> wrongCurrent(Caller caller) {
        LOG.infof("Wrong current password in a password change of user %s", caller.userId());
        return transactions
                .write(() -> audit.record(
                        AuditService.actor(caller),
                        AuditAction.USER_PASSWORD_CHANGE_FAILED,
                        caller.userId(),
                        caller.username(),
                        null,
                        "wrong current password"))
                .invoke(() -> {
                    throw Refusal.forbidden("The current password is wrong");
                });
    }

    /** @param verifiedHash the hash the current password was checked against: if it changed meanwhile, the change loses */
    private Uni<Void> replace(Caller caller, String verifiedHash, String newPassword, String clientAddress) {
        throttle.succeeded(caller.username(), clientAddress);
        return passwords
                .hash(newPassword)
                .chain(hash -> transactions.write(() -> users.findLiveForUpdate(caller.userId())
                        .chain(found -> {
                            User user = UserService.require(found);
                            if (user.disabled || !user.passwordHash.equals(verifiedHash)) {
                                // an admin reset or disabled the account while the password was checked: theirs wins
                                throw Refusal.conflict("The account changed meanwhile; sign in again and retry");
                            }
                            user.passwordHash = hash;
                            // every session open until now ends (from the next whole second, as JWT iat has
                            // whole seconds), except the one making this change
                            user.sessionsNotBefore = SessionCutoff.after(user.sessionsNotBefore, Instant.now());
                            user.keptSession = caller.credentialId();
                            user.updatedAt = UserService.now();
                            return audit.record(
                                            AuditService.actor(caller),
                                            AuditAction.USER_PASSWORD_CHANGED,
                                            user.id,
                                            user.username,
                                            null,
                                            "by the user; other sessions ended")
                                    .replaceWith(user);
                        })))
                .invoke(user -> {
                    state.putUser(UserService.toState(user));
                    LOG.infof("User %s changed their password; other sessions ended", user.id);
                })
                .replaceWithVoid();
    }
}
