package io.patgate.account.sso;

import io.patgate.audit.AuditService;
import io.patgate.domain.AuditAction;
import io.patgate.store.User;
import io.patgate.store.UserRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Which account a verified OpenID identity signs in to, inside the caller's transaction: the one linked to its
 * issuer + {@code sub}; else the one SCIM provisioned for that person, linked now ({@code externalId} = {@code sub}, else
 * the same username); else a new account of origin {@code sso}. A local password account of that name is never taken
 * over, a service account never signed in to, a disabled one refused, a deleted one not brought back. Each sign-in sets
 * the account's roles from the provider's groups: the provider is the source of truth for them.
 */
@ApplicationScoped
public class SsoAccounts {

    /** The actor audit events of a sign-in name when the person is not known yet. */
    static final String ACTOR = "sso";

    /** Usernames as {@code POST /api/v1/users} takes them, plus '@' and '+', which providers' usernames (UPNs, emails) hold. */
    private static final Pattern USERNAME = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}$");

    /** The password hash of an account made by single sign-on: no PHC string, so no password ever matches it. */
    static final String NO_PASSWORD = "!sso";

    /** The account, or why there is none. */
    public record Outcome(User user, boolean rolesChanged, SsoError error, String detail) {
        static Outcome refused(SsoError error, String detail) {
            return new Outcome(null, false, error, detail);
        }
    }

    private final UserRepository users;
    private final AuditService audit;

    public SsoAccounts(UserRepository users, AuditService audit) {
        this.users = users;
        this.audit = audit;
    }

    static boolean validUsername(String username) {
        return username != null && USERNAME.matcher(username).matches();
    }

    public Uni<Outcome> resolve(String issuer, String subject, String username, Set<String> roles) {
        return users.findLinkedForUpdate(issuer, subject).chain(linked -> {
            if (linked != null) {
                return signInTo(linked, roles, null);
            }
            return users.findScimUnlinkedForUpdate(subject).chain(provisioned -> {
                if (provisioned != null) {
                    return signInTo(provisioned, roles, link(provisioned, issuer, subject));
                }
                return users.wasLinkedAndDeleted(issuer, subject)
                        .chain(deleted -> deleted
                                ? Uni.createFrom()
                                        .item(Outcome.refused(
                                                SsoError.DELETED, "the account of " + subject + " was deleted"))
                                : byName(issuer, subject, username, roles));
            });
        });
    }

    private Uni<Outcome> byName(String issuer, String subject, String username, Set<String> roles) {
        return users.findByUsernameForUpdate(username).chain(named -> {
            if (named == null) {
                return create(issuer, subject, username, roles);
            }
            if (named.isService()) {
                return Uni.createFrom()
                        .item(Outcome.refused(SsoError.NAME_TAKEN, "'" + username + "' is a service account"));
            }
            if (User.SCIM.equals(named.origin) && named.idpSubject == null) {
                return signInTo(named, roles, link(named, issuer, subject));
            }
            if (User.LOCAL.equals(named.origin)) {
                return Uni.createFrom()
                        .item(Outcome.refused(
                                SsoError.LOCAL_ACCOUNT, "'" + username + "' is a local password account"));
            }
            return Uni.createFrom()
                    .item(Outcome.refused(SsoError.NAME_TAKEN, "'" + username + "' is linked to another identity"));
        });
    }

    private static String link(User user, String issuer, String subject) {
        user.idpIssuer = issuer;
        user.idpSubject = subject;
        return "linked to " + issuer + " " + subject;
    }

    private Uni<Outcome> signInTo(User user, Set<String> roles, String linked) {
        if (user.isService()) {
            return Uni.createFrom()
                    .item(Outcome.refused(SsoError.NAME_TAKEN, "'" + user.username + "' is a service account"));
        }
        if (user.disabled) {
            return Uni.createFrom().item(Outcome.refused(SsoError.DISABLED, "account disabled"));
        }
        Set<String> before = new TreeSet<>(Arrays.asList(user.roles));
        boolean changed = !before.equals(roles);
        Uni<Void> recorded = Uni.createFrom().voidItem();
        if (linked != null) {
            recorded = recorded.chain(
                    () -> audit.record(ACTOR, AuditAction.USER_LINKED, user.id, user.username, null, linked));
        }
        if (changed) {
            user.roles = roles.toArray(String[]::new);
            recorded = recorded.chain(() -> audit.record(
                    ACTOR,
                    AuditAction.USER_ROLES_CHANGED,
                    user.id,
                    user.username,
                    null,
                    before + " -> " + roles + " (from the provider's groups)"));
        }
        if (changed || linked != null) {
            user.updatedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        }
        return recorded.map(ignored -> new Outcome(user, changed || linked != null, null, null));
    }

    private Uni<Outcome> create(String issuer, String subject, String username, Set<String> roles) {
        User user = new User();
        user.id = UUID.randomUUID();
        user.username = username;
        user.passwordHash = NO_PASSWORD;
        user.roles = roles.toArray(String[]::new);
        user.disabled = false;
        user.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        user.updatedAt = user.createdAt;
        user.origin = User.SSO;
        user.idpIssuer = issuer;
        user.idpSubject = subject;
        return users.persist(user)
                .call(created -> audit.record(
                        ACTOR,
                        AuditAction.USER_CREATED,
                        created.id,
                        created.username,
                        null,
                        "by single sign-on (" + issuer + " " + subject + "), roles " + roles))
                .map(created -> new Outcome(created, true, null, null));
    }
}
