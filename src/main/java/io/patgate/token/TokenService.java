package io.patgate.token;

import io.patgate.audit.AuditService;
import io.patgate.audit.Notices;
import io.patgate.config.PatgateConfig;
import io.patgate.domain.Refusal;
import io.patgate.identity.Caller;
import io.patgate.identity.IdentityState;
import io.patgate.identity.TokenGapFiller;
import io.patgate.store.AccessToken;
import io.patgate.store.AccessTokenRepository;
import io.patgate.store.TokenRows;
import io.patgate.store.Transactions;
import io.patgate.store.User;
import io.patgate.store.UserRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Changes to personal access tokens. Each change is one transaction holding the row lock, the change and
 * its audit event (and, for a revocation, its notice); only after the commit is it published to the in-memory state, where it takes effect on
 * the next request. The rules are {@link TokenPolicy}'s, the values {@link TokenIssuer}'s, the reads
 * {@link TokenQueries}'s.
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
    private final IdentityState state;
    private final TokenGapFiller gaps;
    private final TokenPolicy policy;
    private final Notices notices;

    public TokenService(AccessTokenRepository tokens, UserRepository users, Transactions transactions, AuditService audit, TokenIssuer issuer,
                        TokenViews views, IdentityState state, TokenGapFiller gaps, PatgateConfig config, Notices notices) {
        this.notices = notices;
        this.tokens = tokens;
        this.users = users;
        this.transactions = transactions;
        this.audit = audit;
        this.issuer = issuer;
        this.views = views;
        this.state = state;
        this.gaps = gaps;
        this.policy = new TokenPolicy(TokenPolicy.Limits.of(config.tokens()), Clock.systemUTC());
    }

    /** A token after a change, with its owner's name and, when one was minted, the new value (shown once). */
    private record Changed(AccessToken token, String owner, String value) {
    }

    public Uni<TokenRequests.View> create(Caller caller, TokenRequests.Create request) {
        TokenPolicy.requireManager(caller);
        String name = TokenPolicy.name(request.name());
        String description = TokenPolicy.description(request.description());
        Instant now = policy.now();
        Instant expiresAt = policy.expiry(caller, now, request.expiresAt(), request.expiresInDays(), request.neverExpires());
        Set<String> scopes = TokenPolicy.scopes(caller, request.scopes());
        List<String> cidrs = TokenPolicy.cidrsFor(caller.networks(), TokenPolicy.cidrs(request.allowedCidrs()));
        UUID id = UUID.randomUUID();
        TokenIssuer.Issued issued = issuer.issue(id, caller.userId(), caller.username(), now, expiresAt);
        // the owner's row is locked: concurrent creates for one user run one after the other (name and quota hold)
        return transactions.write(() -> users.findForUpdate(caller.userId())
                        .chain(owner -> {
                            if (owner == null || owner.deletedAt != null || owner.disabled) {
                                throw Refusal.unauthenticated("The account is disabled or no longer exists");
                            }
                            return tokens.activeNameTaken(owner.id, name, now);
                        })
                        .chain(taken -> {
                            if (taken) {
                                throw Refusal.conflict("You already have an active token named '" + name + "'");
                            }
                            return tokens.countActive(caller.userId(), now);
                        })
                        .chain(active -> {
                            policy.requireBelowQuota(active);
                            AccessToken token = new AccessToken();
                            token.id = id;
                            token.userId = caller.userId();
                            token.name = name;
                            token.description = description;
                            token.scopes = scopes.toArray(String[]::new);
                            token.allowedCidrs = cidrs.toArray(String[]::new);
                            token.digest = issued.digest();
                            // microseconds, so "newest first" holds between tokens created in the same second
                            token.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
                            token.updatedAt = token.createdAt;
                            token.issuedAt = now;
                            token.expiresAt = expiresAt;
                            token.recentIps = new String[0];
                            return tokens.persist(token).call(t -> audit.record(AuditService.actor(caller), "token.created", caller.userId(),
                                    caller.username(), t.id, "name " + quote(t.name) + ", scopes " + scopes + ", expires "
                                            + (expiresAt == null ? "never" : expiresAt) + (cidrs.isEmpty() ? "" : ", from " + cidrs)));
                        }))
                .invoke(token -> {
                    gaps.created(token.id);
                    publish(token);
                    LOG.infof("Token %s created for user %s by %s", token.id, token.userId, describe(caller));
                })
                .map(token -> views.of(token, caller.username(), now).withToken(issued.value()));
    }

    public Uni<TokenRequests.View> update(Caller caller, UUID id, TokenRequests.Update request) {
        TokenPolicy.requireManager(caller);
        String description = TokenPolicy.description(request.description());
        Instant now = policy.now();
        return transactions.write(() -> lockVisible(caller, id)
                        .chain(token -> owner(token).map(owner -> {
                            TokenPolicy.requireNoWiderNetworks(caller.networks(), token.allowedCidrs);
                            if (request.scopes() != null) {
                                token.scopes = TokenPolicy.scopesFor(caller, Arrays.asList(owner.roles), request.scopes()).toArray(String[]::new);
                            }
                            if (request.description() != null) {
                                token.description = description;
                            }
                            token.updatedAt = now;
                            return new Changed(token, owner.username, null);
                        }))
                        .call(c -> audit.record(AuditService.actor(caller), "token.changed", c.token().userId, c.owner(), id,
                                (request.scopes() != null ? "scopes " + new TreeSet<>(Arrays.asList(c.token().scopes)) : "")
                                        + (request.description() != null ? (request.scopes() != null ? ", " : "") + "description" : ""))))
                .invoke(c -> {
                    publish(c.token());
                    LOG.infof("Token %s changed by %s", id, describe(caller));
                })
                .map(c -> views.of(c.token(), c.owner(), now));
    }

    public Uni<TokenRequests.View> regenerate(Caller caller, UUID id, TokenRequests.Regenerate request) {
        TokenPolicy.requireManager(caller);
        Instant now = policy.now();
        Instant expiresAt = policy.expiry(caller, now, request.expiresAt(), request.expiresInDays(), request.neverExpires());
        int grace = request.graceSeconds() == null ? 0 : request.graceSeconds();
        return transactions.write(() -> lockVisible(caller, id)
                        .chain(token -> owner(token).map(owner -> {
                            if (token.revokedAt != null) {
                                throw Refusal.conflict("A revoked token cannot be regenerated; create a new one");
                            }
                            TokenPolicy.requireHeldScopes(caller, Arrays.asList(token.scopes));
                            TokenPolicy.requireNoWiderNetworks(caller.networks(), token.allowedCidrs);
                            TokenIssuer.Issued issued = issuer.issue(token.id, owner.id, owner.username, now, expiresAt);
                            token.previousDigest = grace > 0 ? token.digest : null;
                            token.previousValidUntil = grace > 0 ? now.plusSeconds(grace) : null;
                            token.digest = issued.digest();
                            token.expiresAt = expiresAt;
                            token.updatedAt = now;
                            token.issuedAt = now;
                            return new Changed(token, owner.username, issued.value());
                        }))
                        .call(c -> audit.record(AuditService.actor(caller), "token.regenerated", c.token().userId, c.owner(), id,
                                "expires " + (expiresAt == null ? "never" : expiresAt) + ", old value valid for " + grace + " s")))
                .invoke(c -> {
                    publish(c.token());
                    LOG.infof("Token %s regenerated by %s (old value valid for %d s)", id, describe(caller), grace);
                })
                .map(c -> views.of(c.token(), c.owner(), now).withToken(c.value()));
    }

    /** Revokes a token; revoking a revoked token changes nothing (the DELETE is idempotent). */
    public Uni<Void> revoke(Caller caller, UUID id) {
        TokenPolicy.requireManager(caller);
        Instant now = policy.now();
        return transactions.write(() -> lockVisible(caller, id).chain(token -> {
                    if (token.revokedAt != null) {
                        return Uni.createFrom().item(token);
                    }
                    token.revoke(token.userId.equals(caller.userId()) ? "owner" : "admin", now);
                    return owner(token).chain(owner -> audit.record(AuditService.actor(caller), "token.revoked", token.userId, owner.username,
                                    token.id, "reason " + token.revokedReason))
                            .chain(() -> notices.revoked(token.id, token.userId, token.revokedReason, caller.username()))
                            .replaceWith(token);
                }))
                .invoke(token -> {
                    publish(token);
                    LOG.infof("Token %s revoked (%s) by %s", id, token.revokedReason, describe(caller));
                })
                .replaceWithVoid();
    }

    /**
     * RFC 7009: someone holding the token reports it (a leak). Holding it is the proof; the token is
     * revoked with reason {@code leak-report}. Unknown or already revoked tokens change nothing.
     */
    public Uni<Boolean> revokeReported(UUID id) {
        Instant now = policy.now();
        return transactions.write(() -> tokens.findForUpdate(id).chain(token -> {
                    if (token == null || token.revokedAt != null) {
                        return Uni.createFrom().<AccessToken>nullItem();
                    }
                    token.revoke("leak-report", now);
                    return users.findById(token.userId).chain(owner -> audit.record(AuditService.ANONYMOUS, "token.leak-reported",
                                    token.userId, owner == null ? null : owner.username, token.id, "revoked: reported through /oauth/revoke"))
                            .chain(() -> notices.leakReported(token.id, token.userId))
                            .chain(() -> notices.revoked(token.id, token.userId, token.revokedReason, AuditService.ANONYMOUS))
                            .replaceWith(token);
                }))
                .invoke(token -> {
                    if (token != null) {
                        publish(token);
                        LOG.warnf("Token %s revoked after a leak report", token.id);
                    }
                })
                .map(token -> token != null);
    }

    /** After the commit: the change takes effect on this replica's next request (others follow through the change feed). */
    private void publish(AccessToken token) {
        state.putToken(TokenRows.state(token));
    }

    /** The token, if visible to the caller, its row locked until the transaction ends: a revocation and a regeneration never interleave. */
    private Uni<AccessToken> lockVisible(Caller caller, UUID id) {
        return tokens.findForUpdate(id).map(token -> TokenQueries.visible(caller, token));
    }

    private Uni<User> owner(AccessToken token) {
        return users.findById(token.userId).map(owner -> {
            if (owner == null || owner.deletedAt != null) {
                throw Refusal.conflict("The owner of this token was deleted");
            }
            return owner;
        });
    }

    private static String quote(String name) {
        return "'" + name.replace("\n", " ") + "'";
    }

    private static String describe(Caller caller) {
        return caller.isSession() ? "user " + caller.userId() : "token " + caller.credentialId();
    }
}
