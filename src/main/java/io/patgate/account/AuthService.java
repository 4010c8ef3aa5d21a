package io.patgate.account;

import io.patgate.audit.AuditService;
import io.patgate.config.PatgateConfig;
import io.patgate.domain.AuditAction;
import io.patgate.domain.Refusal;
import io.patgate.identity.Caller;
import io.patgate.identity.IdentityState;
import io.patgate.identity.TokenSigner;
import io.patgate.store.SessionRevocation;
import io.patgate.store.SessionRevocationRepository;
import io.patgate.store.Transactions;
import io.patgate.store.User;
import io.patgate.store.UserRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Sessions: login, logout, a reported session, and ending every session at once. A wrong password, an
 * unknown user and a disabled account all fail alike.
 */
@ApplicationScoped
public class AuthService {

    private static final Logger LOG = Logger.getLogger(AuthService.class);

    private final UserRepository users;
    private final SessionRevocationRepository revocations;
    private final AuditService audit;
    private final LoginThrottle throttle;
    private final Passwords passwords;
    private final Transactions transactions;
    private final TokenSigner signer;
    private final IdentityState state;
    private final Duration lifetime;
    private final LoginMetrics metrics;
    private final boolean passwordsOn;
    private final java.util.Set<String> breakGlass;
    private final String ssoName;

    public AuthService(
            UserRepository users,
            SessionRevocationRepository revocations,
            AuditService audit,
            LoginThrottle throttle,
            Passwords passwords,
            Transactions transactions,
            TokenSigner signer,
            IdentityState state,
            PatgateConfig config,
            LoginMetrics metrics) {
        this.metrics = metrics;
        this.throttle = throttle;
        this.users = users;
        this.revocations = revocations;
        this.audit = audit;
        this.passwords = passwords;
        this.transactions = transactions;
        this.signer = signer;
        this.state = state;
        this.lifetime = config.session().lifetime();
        this.passwordsOn = config.login().passwords();
        this.breakGlass = config.login().breakGlassUsers().stream()
                .map(u -> u.trim().toLowerCase(java.util.Locale.ROOT))
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
        this.ssoName = config.oidc().issuer().isPresent() ? config.oidc().displayName() : null;
    }

    /**
     * With {@code patgate.login.passwords=false} only the break-glass accounts ({@code patgate.login.break-glass-users})
     * may sign in with a password; everyone else is told to use single sign-on. Decided on the name alone, before any
     * look-up, so the answer tells nothing about which accounts exist.
     */
    private void passwordSignInAllowed(String username) {
        if (!passwordsOn && !breakGlass.contains(username.trim().toLowerCase(java.util.Locale.ROOT))) {
            throw Refusal.forbidden("Password sign-in is turned off on this patgate"
                    + (ssoName == null ? "" : ": sign in with " + ssoName + " instead"));
        }
    }

    public Uni<UserRequests.Session> login(UserRequests.Login request, String clientAddress) {
        passwordSignInAllowed(request.username());
        try {
            throttle.check(request.username(), clientAddress);
        } catch (Refusal throttled) {
            metrics.throttled();
            throw throttled;
        }
        throttle.attempt(request.username(), clientAddress);
        return transactions
                .read(() -> users.findByUsername(request.username()))
                // the hash runs even for an unknown user or a service account (against a decoy), so timing tells
                // nothing;
                // nobody signs in as a service account, and the answer says no more than a wrong password's
                .chain(user -> passwords
                        .verify(request.password(), user == null || user.isService() ? null : user.passwordHash)
                        .chain(matches -> {
                            boolean ok = matches && user != null && !user.isService() && !user.disabled;
                            String actor = sanitize(request.username());
                            Uni<Void> recorded = transactions.write(() -> audit.record(
                                    actor,
                                    ok ? AuditAction.LOGIN_SUCCEEDED : AuditAction.LOGIN_FAILED,
                                    user == null ? null : user.id,
                                    user == null ? null : user.username,
                                    null,
                                    ok
                                            ? ""
                                            : user == null
                                                    ? "unknown user"
                                                    : user.isService()
                                                            ? "a service account (nobody signs in as one)"
                                                            : user.disabled ? "account disabled" : "wrong password"));
                            if (!ok) {
                                metrics.failed();
                                LOG.infof("Failed login for '%s' from %s", actor, clientAddress);
                                return recorded.invoke(() -> {
                                            throw Refusal.unauthenticated("Wrong username or password");
                                        })
                                        .replaceWith((UserRequests.Session) null);
                            }
                            throttle.succeeded(request.username(), clientAddress);
                            metrics.succeeded();
                            return recorded.map(ignored -> issue(user));
                        }))
                // refused as busy before any password was checked: not an attempt
                .onFailure(e -> e instanceof Refusal r && r.kind() == Refusal.Kind.BUSY)
                .invoke(() -> throttle.notAttempted(request.username(), clientAddress));
    }

    /** A session for an account whose person has just proved who they are some other way (single sign-on). */
    public UserRequests.Session open(User user) {
        return issue(user);
    }

    private UserRequests.Session issue(User user) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        if (user.sessionsNotBefore != null && user.sessionsNotBefore.isAfter(now)) {
            now = user.sessionsNotBefore; // the password changed within this second: count from the next one
        }
        Instant expiresAt = now.plus(lifetime);
        UUID jti = UUID.randomUUID();
        String token = signer.sign(TokenSigner.SESSION_TYPE, jti, user.id, user.username, now, expiresAt);
        LOG.infof("Session %s opened for user %s", jti, user.id);
        return new UserRequests.Session(token, expiresAt);
    }

    public Uni<Void> logout(Caller caller) {
        if (!caller.isSession()) {
            throw Refusal.forbidden("Logout ends a session; revoke a token with DELETE /api/v1/tokens/{id}");
        }
        SessionRevocation revocation = new SessionRevocation();
        revocation.jti = caller.credentialId();
        revocation.userId = caller.userId();
        revocation.expiresAt = caller.expiresAt();
        revocation.revokedAt = Instant.now();
        return transactions
                .write(() -> revocations
                        .findById(revocation.jti)
                        .chain(existing -> existing != null
                                ? Uni.createFrom().voidItem()
                                : revocations
                                        .persist(revocation)
                                        .chain(() -> audit.record(
                                                caller.username(),
                                                AuditAction.LOGOUT,
                                                caller.userId(),
                                                caller.username(),
                                                null,
                                                "session " + revocation.jti))))
                .invoke(() -> {
                    state.revokeSession(revocation.jti, revocation.expiresAt);
                    LOG.infof("Session %s of user %s logged out", revocation.jti, revocation.userId);
                });
    }

    /** RFC 7009 for a session token: someone holding it reports it; it ends like a logout. */
    public Uni<Void> revokeReportedSession(UUID jti, UUID userId, String username, Instant expiresAt) {
        SessionRevocation revocation = new SessionRevocation();
        revocation.jti = jti;
        revocation.userId = userId;
        revocation.expiresAt = expiresAt;
        revocation.revokedAt = Instant.now();
        return transactions
                .write(() -> revocations
                        .findById(jti)
                        .chain(existing -> existing != null
                                ? Uni.createFrom().voidItem()
                                : revocations
                                        .persist(revocation)
                                        .chain(() -> audit.record(
                                                AuditService.ANONYMOUS,
                                                AuditAction.SESSION_LEAK_REPORTED,
                                                userId,
                                                username,
                                                null,
                                                "session " + jti))))
                .invoke(() -> state.revokeSession(jti, expiresAt));
    }

    /**
     * The incident button after a signing key leaked (rotate first): every session of every account ends,
     * the caller's own included, on every replica. Personal access tokens are bound to their digests, so a
     * stolen key cannot mint them, and they keep working.
     */
    private record Ended(int accounts, java.util.List<User> live) {}

    public Uni<UserRequests.SessionsEnded> endAllSessions(Caller caller) {
        Instant cut = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        return transactions
                .write(() -> users.update(
                                "sessionsNotBefore = ?1, keptSession = null, updatedAt = ?2, rowVersion = rowVersion + 1 where deletedAt is null",
                                cut,
                                UserService.now())
                        .chain(count -> audit.record(
                                        AuditService.actor(caller),
                                        AuditAction.SESSIONS_REVOKED_ALL,
                                        null,
                                        null,
                                        null,
                                        "every session issued before " + cut + " ended (" + count + " accounts)")
                                .replaceWith(count))
                        .chain(count -> users.list("deletedAt is null").map(live -> new Ended(count, live))))
                .invoke(result -> {
                    result.live().forEach(u -> state.putUser(UserService.toState(u)));
                    LOG.warnf("Every session ended by %s (%d accounts)", caller.userId(), result.accounts());
                })
                .map(result -> new UserRequests.SessionsEnded(result.accounts(), cut));
    }

    /** Usernames come from the client: keep log lines one line and short. */
    static String sanitize(String value) {
        String cut = value.length() > 64 ? value.substring(0, 64) : value;
        return cut.replaceAll("[^\\x20-\\x7E]", "?");
    }
}
