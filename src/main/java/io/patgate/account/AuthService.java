package io.patgate.account;

import io.patgate.audit.AuditService;
import io.patgate.config.PatgateConfig;
import io.patgate.domain.Refusal;
import io.patgate.identity.Caller;
import io.patgate.identity.IdentityState;
import io.patgate.identity.TokenSigner;
import io.patgate.store.SessionRevocation;
import io.patgate.store.SessionRevocationRepository;
import io.patgate.store.User;
import io.patgate.store.UserRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/** Login and logout. A wrong password, an unknown user and a disabled account all fail alike. */
@ApplicationScoped
public class AuthService {

    private static final Logger LOG = Logger.getLogger(AuthService.class);

    private final UserRepository users;
    private final SessionRevocationRepository revocations;
    private final AuditService audit;
    private final LoginThrottle throttle;
    private final PasswordHasher hasher;
    private final TokenSigner signer;
    private final IdentityState state;
    private final Vertx vertx;
    private final Duration lifetime;

    public AuthService(UserRepository users, SessionRevocationRepository revocations, AuditService audit, LoginThrottle throttle,
                       PasswordHasher hasher, TokenSigner signer, IdentityState state, Vertx vertx, PatgateConfig config) {
        this.throttle = throttle;
        this.users = users;
        this.revocations = revocations;
        this.audit = audit;
        this.hasher = hasher;
        this.signer = signer;
        this.state = state;
        this.vertx = vertx;
        this.lifetime = config.session().lifetime();
    }

    public Uni<UserRequests.Session> login(UserRequests.Login request, String clientAddress) {
        throttle.check(request.username(), clientAddress);
        throttle.attempt(request.username(), clientAddress);
        return Panache.withSession(() -> users.findByUsername(request.username()))
                // the hash runs even for an unknown user (against a decoy), so timing tells nothing
                .chain(user -> vertx.executeBlocking(Uni.createFrom().item(
                                () -> hasher.verify(request.password(), user == null ? null : user.passwordHash)))
                        .chain(matches -> {
                            boolean ok = matches && user != null && !user.disabled;
                            String actor = sanitize(request.username());
                            Uni<Void> recorded = Panache.withTransaction(() -> audit.record(actor, ok ? "login.succeeded" : "login.failed",
                                    user == null ? null : user.id, user == null ? null : user.username, null,
                                    ok ? "" : user == null ? "unknown user" : user.disabled ? "account disabled" : "wrong password"));
                            if (!ok) {
                                LOG.infof("Failed login for '%s' from %s", actor, clientAddress);
                                return recorded.invoke(() -> {
                                    throw Refusal.unauthenticated("Wrong username or password");
                                }).replaceWith((UserRequests.Session) null);
                            }
                            throttle.succeeded(request.username(), clientAddress);
                            return recorded.map(ignored -> issue(user));
                        }));
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
        return Panache.withTransaction(() -> revocations.findById(revocation.jti)
                        .chain(existing -> existing != null ? Uni.createFrom().voidItem() : revocations.persist(revocation)
                                .chain(() -> audit.record(caller.username(), "logout", caller.userId(), caller.username(), null, "session " + revocation.jti))))
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
        return Panache.withTransaction(() -> revocations.findById(jti)
                        .chain(existing -> existing != null ? Uni.createFrom().voidItem() : revocations.persist(revocation)
                                .chain(() -> audit.record(AuditService.ANONYMOUS, "session.leak-reported", userId, username, null, "session " + jti))))
                .invoke(() -> state.revokeSession(jti, expiresAt));
    }

    /** Usernames come from the client: keep log lines one line and short. */
    static String sanitize(String value) {
        String cut = value.length() > 64 ? value.substring(0, 64) : value;
        return cut.replaceAll("[^\\x20-\\x7E]", "?");
    }
}
