package io.patgate.token;

import io.patgate.audit.AuditService;
import io.patgate.config.PatgateConfig;
import io.patgate.domain.AuditAction;
import io.patgate.domain.Refusal;
import io.patgate.domain.RevokeReason;
import io.patgate.identity.Caller;
import io.patgate.identity.IdentityState;
import io.patgate.revocation.TokenRevocation;
import io.patgate.store.AccessToken;
import io.patgate.store.AccessTokenRepository;
import io.patgate.store.ServiceAccountManagerRepository;
import io.patgate.store.StateRows;
import io.patgate.store.Transactions;
import io.patgate.store.User;
import io.patgate.store.UserRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.TreeSet;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Changes to personal access tokens. Each change is one transaction holding the row lock, the change and
 * its audit event (and, for a revocation, its notice); only after the commit is it published to the in-memory state, where it takes effect on
 * the next request. The rules are {@link TokenPolicy}'s, the values {@link TokenIssuer}'s, the reads
 * {@link TokenQueries}'s; making a new token is {@link TokenCreation}'s.
 */
@ApplicationScoped
public class TokenService {

    private static final Logger LOG = Logger.getLogger(TokenService.class);

    private final AccessTokenRepository tokens;
    private final UserRepository users;
    private final Transactions transactions;
    private final AuditService audit;
    private final TokenIssuer issuer;
    private final TokenViews views;
    private final TokenPolicy policy;
    private final TokenRevocation revocation;
    private final IdentityState state;
    private final ServiceAccountManagerRepository managers;
    private final TokenCreation creation;

    public TokenService(
            AccessTokenRepository tokens,
            UserRepository users,
            Transactions transactions,
            AuditService audit,
            TokenIssuer issuer,
            TokenViews views,
            IdentityState state,
            PatgateConfig config,
            TokenRevocation revocation,
            ServiceAccountManagerRepository managers,
            TokenCreation creation) {
        this.revocation = revocation;
        this.state = state;
        this.managers = managers;
        this.creation = creation;
        this.tokens = tokens;
        this.users = users;
        this.transactions = transactions;
        this.audit = audit;
        this.issuer = issuer;
        this.views = views;
        this.policy = new TokenPolicy(TokenPolicy.Limits.of(config.tokens()), Clock.systemUTC());
    }

    /** A token after a change, with its owner's name and, when one was minted, the new value (shown once). */
    private record Changed(AccessToken token, String owner, String value) {}

    /** The caller's own token ({@link TokenCreation}). */
    public Uni<TokenRequests.View> create(Caller caller, TokenRequests.Create request) {
        return creation.create(caller, request);
    }

    /** A token of a service account, made by an admin or one of its managers with a session ({@link TokenCreation}). */
    public Uni<TokenRequests.View> createFor(Caller caller, UUID accountId, TokenRequests.Create request) {
        return creation.createFor(caller, accountId, request);
    }

    public Uni<TokenRequests.View> update(Caller caller, UUID id, TokenRequests.Update request) {
        TokenPolicy.requireManager(caller);
        String description = TokenPolicy.description(request.description());
        Instant now = policy.now();
        return transactions
                .write(() -> lockVisible(caller, id)
                        .map(TokenQueries.Visible::token)
                        .chain(token -> owner(token).map(owner -> {
                            TokenPolicy.requireNoWiderNetworks(caller.networks(), token.allowedCidrs);
                            if (request.scopes() != null) {
                                token.scopes = TokenPolicy.scopesFor(
                                                caller, Arrays.asList(owner.roles), request.scopes())
                                        .toArray(String[]::new);
                            }
                            if (request.description() != null) {
                                token.description = description;
                            }
                            token.updatedAt = now;
                            return new Changed(token, owner.username, null);
                        }))
                        .call(c -> audit.record(
                                AuditService.actor(caller),
                                AuditAction.TOKEN_CHANGED,
                                c.token().userId,
                                c.owner(),
                                id,
                                (request.scopes() != null
                                                ? "scopes " + new TreeSet<>(Arrays.asList(c.token().scopes))
                                                : "")
                                        + (request.description() != null
                                                ? (request.scopes() != null ? ", " : "") + "description"
                                                : ""))))
                .invoke(c -> {
                    publish(c.token());
                    LOG.infof("Token %s changed by %s", id, describe(caller));
                })
                .map(c -> views.of(c.token(), c.owner(), now));
    }

    public Uni<TokenRequests.View> regenerate(Caller caller, UUID id, TokenRequests.Regenerate request) {
        TokenPolicy.requireManager(caller);
        Instant now = policy.now();
        Instant expiresAt =
                policy.expiry(caller, now, request.expiresAt(), request.expiresInDays(), request.neverExpires());
        int grace = request.graceSeconds() == null ? 0 : request.graceSeconds();
        return transactions
                .write(() -> lockVisible(caller, id)
                        .map(TokenQueries.Visible::token)
                        .chain(token -> owner(token).map(owner -> {
                            if (token.revokedAt != null) {
                                throw Refusal.conflict("A revoked token cannot be regenerated; create a new one");
                            }
                            TokenPolicy.requireHeldScopes(caller, Arrays.asList(token.scopes));
                            TokenPolicy.requireNoWiderNetworks(caller.networks(), token.allowedCidrs);
                            TokenIssuer.Issued issued =
                                    issuer.issue(token.id, owner.id, owner.username, now, expiresAt);
                            token.previousDigest = grace > 0 ? token.digest : null;
                            token.previousValidUntil = grace > 0 ? now.plusSeconds(grace) : null;
                            token.digest = issued.digest();
                            token.expiresAt = expiresAt;
                            token.updatedAt = now;
                            token.issuedAt = now;
                            return new Changed(token, owner.username, issued.value());
                        }))
                        .call(c -> audit.record(
                                AuditService.actor(caller),
                                AuditAction.TOKEN_REGENERATED,
                                c.token().userId,
                                c.owner(),
                                id,
                                "expires " + (expiresAt == null ? "never" : expiresAt) + ", old value valid for "
                                        + grace + " s")))
                .invoke(c -> {
                    publish(c.token());
                    LOG.infof("Token %s regenerated by %s (old value valid for %d s)", id, describe(caller), grace);
                })
                .map(c -> views.of(c.token(), c.owner(), now).withToken(c.value()));
    }

    /**
     * A personal access token rotates itself: a new value and expiry under the same id, the presented value living out
     * {@code graceSeconds}, as a regeneration does. For unattended jobs acting on {@code token.expiring}: no scope is
     * needed, but only the current value may rotate. The value it replaced, still good in its grace period, is refused
     * (409): a second job holding it would otherwise take the token from the first.
     */
    public Uni<TokenRequests.View> rotateSelf(Caller caller, TokenRequests.Rotate request) {
        if (caller.isSession() || caller.valueDigest() == null) {
            throw Refusal.forbidden(
                    "Only a personal access token rotates itself: this request was made with a session or an exchanged token");
        }
        Instant now = policy.now();
        Instant expiresAt = policy.rotationExpiry(now, request.expiresInDays());
        int grace = request.graceSeconds() == null ? 0 : request.graceSeconds();
        return transactions
                .write(() -> tokens.findForUpdate(caller.credentialId())
                        .chain(token -> {
                            if (token == null) {
                                throw Refusal.notFound("Token");
                            }
                            if (token.revokedAt != null) {
                                throw Refusal.conflict("This token was revoked a moment ago");
                            }
                            if (!caller.valueDigest().equals(java.nio.ByteBuffer.wrap(token.digest))) {
                                throw Refusal.conflict(
                                        "This value was replaced already (by a rotation or a regeneration); "
                                                + "only the current value may rotate the token");
                            }
                            return owner(token).map(owner -> {
                                TokenIssuer.Issued issued =
                                        issuer.issue(token.id, owner.id, owner.username, now, expiresAt);
                                token.previousDigest = grace > 0 ? token.digest : null;
                                token.previousValidUntil = grace > 0 ? now.plusSeconds(grace) : null;
                                token.digest = issued.digest();
                                token.expiresAt = expiresAt;
                                token.updatedAt = now;
                                token.issuedAt = now;
                                return new Changed(token, owner.username, issued.value());
                            });
                        })
                        .call(c -> audit.record(
                                AuditService.actor(caller),
                                AuditAction.TOKEN_ROTATED,
                                c.token().userId,
                                c.owner(),
                                c.token().id,
                                "by itself, expires " + expiresAt + ", old value valid for " + grace + " s")))
                .invoke(c -> {
                    publish(c.token());
                    LOG.infof("Token %s rotated itself (old value valid for %d s)", c.token().id, grace);
                })
                .map(c -> views.of(c.token(), c.owner(), now).withToken(c.value()));
    }

    /** Revokes a token; revoking a revoked token changes nothing (the DELETE is idempotent). */
    public Uni<Void> revoke(Caller caller, UUID id) {
        TokenPolicy.requireManager(caller);
        return transactions
                .write(() -> lockVisible(caller, id)
                        .chain(visible -> visible.token().revokedAt != null
                                ? Uni.createFrom().item(visible.token())
                                : owner(visible.token())
                                        .chain(owner -> revocation.revoke(
                                                visible.token(),
                                                owner.username,
                                                // a service account's managers act as its owner
                                                visible.asOwner() ? RevokeReason.OWNER : RevokeReason.ADMIN,
                                                TokenRevocation.By.of(caller)))))
                .invoke(token -> {
                    revocation.publish(token);
                    LOG.infof("Token %s revoked (%s) by %s", id, token.revokedReason, describe(caller));
                })
                .replaceWithVoid();
    }

    /** After the commit: the change takes effect on this replica's next request (others follow through the change feed). */
    private void publish(AccessToken token) {
        state.putToken(StateRows.state(token));
    }

    /** The token, if visible to the caller, its row locked until the transaction ends: a revocation and a regeneration never interleave. */
    private Uni<TokenQueries.Visible> lockVisible(Caller caller, UUID id) {
        return tokens.findForUpdate(id).chain(token -> TokenQueries.visible(caller, token, managers));
    }

    private Uni<User> owner(AccessToken token) {
        return users.findById(token.userId).map(owner -> {
            if (owner == null || owner.deletedAt != null) {
                throw Refusal.conflict("The owner of this token was deleted");
            }
            return owner;
        });
    }

    /** Who made a change, for the log: the session's user or the token. */
    static String describe(Caller caller) {
        return caller.isSession() ? "user " + caller.userId() : "token " + caller.credentialId();
    }
}
