package io.patgate.account;

import io.patgate.domain.Permissions;
import io.patgate.domain.Refusal;
import io.patgate.identity.Caller;
import io.patgate.identity.PatgateIdentityProvider;
import io.patgate.store.ServiceAccountManagerRepository;
import io.patgate.store.User;
import io.patgate.store.UserRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/**
 * Who may do what with service accounts: admins everything, their managers (people) theirs, with a signed-in session
 * for every change; anyone else is told an account does not exist.
 */
@ApplicationScoped
public class ServiceAccountAccess {

    private final UserRepository users;
    private final ServiceAccountManagerRepository managers;

    public ServiceAccountAccess(UserRepository users, ServiceAccountManagerRepository managers) {
        this.users = users;
        this.managers = managers;
    }

    public static boolean isAdmin(Caller caller) {
        return PatgateIdentityProvider.effectiveRoles(caller).contains(Permissions.ADMIN);
    }

    /** Changes to service accounts, their tokens and their trust need a session: never a personal access token. */
    public static void requireSession(Caller caller, String what) {
        if (!caller.isSession()) {
            throw Refusal.forbidden(what + " needs a signed-in session, never a personal access token");
        }
    }

    /** Reading them: a session, an admin's token, or a token that may manage tokens (scope {@code tokens}). */
    static void requireReader(Caller caller) {
        if (!caller.isSession() && !isAdmin(caller) && !caller.scopes().contains(Permissions.TOKENS)) {
            throw Refusal.forbidden(
                    "Reading service accounts needs a session or a token with scope '" + Permissions.TOKENS + "'");
        }
    }

    static void requireAdmin(Caller caller, String what) {
        if (!isAdmin(caller)) {
            throw Refusal.forbidden(what + " is an admin's to do");
        }
    }

    /**
     * The live service account, when the caller is an admin or one of its managers; "not found" otherwise, whether it
     * exists or not. Run inside a transaction (or session); {@code lock} holds its row until the transaction ends.
     */
    public Uni<User> requireManageable(Caller caller, UUID id, boolean lock) {
        return (lock ? users.findLiveServiceForUpdate(id) : users.findLiveService(id)).chain(account -> {
            if (account == null) {
                throw notFound();
            }
            if (isAdmin(caller)) {
                return Uni.createFrom().item(account);
            }
            return managers.manages(caller.userId(), id).map(manages -> {
                if (!manages) {
                    throw notFound();
                }
                return account;
            });
        });
    }

    private static Refusal notFound() {
        return Refusal.notFound("Service account");
    }
}
