package io.patgate.token;

import io.patgate.account.ServiceAccountAccess;
import io.patgate.audit.AuditService;
import io.patgate.config.PatgateConfig;
import io.patgate.domain.AuditAction;
import io.patgate.domain.Refusal;
import io.patgate.domain.RevokeReason;
import io.patgate.identity.Caller;
import io.patgate.identity.IdentityState;
import io.patgate.identity.TokenGapFiller;
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
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.jboss.logging.Logger;

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
    private final TokenGapFiller gaps;
    private final TokenPolicy policy;
    private final TokenRevocation revocation;
    private final IdentityState state;
    private final ServiceAccountAccess serviceAccounts;
    private final ServiceAccountManagerRepository managers;

    public TokenService(
            AccessTokenRepository tokens,
            UserRepository users,
            Transactions transactions,
            AuditService audit,
            TokenIssuer issuer,
            TokenViews views,
            IdentityState state,
            TokenGapFiller gaps,
            PatgateConfig config,
            TokenRevocation revocation,
            ServiceAccountAccess serviceAccounts,
            ServiceAccountManagerRepository managers) {
        this.revocation = revocation;
        this.state = state;
        this.serviceAccounts = serviceAccounts;
        this.managers = managers;
        this.tokens = tokens;
        this.users = users;
        this.transactions = transactions;
        this.audit = audit;
        this.issuer = issuer;
        this.views = views;
        this.gaps = gaps;
        this.policy = new TokenPolicy(TokenPolicy.Limits.of(config.tokens()), Clock.systemUTC());
    }

    /** A token after a change, with its owner's name and, when one was minted, the new value (shown once). */
    private record Changed(AccessToken token, String owner, String value) {}

    /** The caller's own token. */
    public Uni<TokenRequests.View> create(Caller caller, TokenRequests.Create request) {
        TokenPolicy.requireManager(caller);
        Set<String> scopes = TokenPolicy.scopes(caller, request.scopes());
        return mint(
                caller,
                request,
                () -> users.findForUpdate(caller.userId()).map(owner -> {
                    if (owner == null || owner.deletedAt != null || owner.disabled) {
                        throw Refusal.unauthenticated("The account is disabled or no longer exists");
                    }
                    return owner;
                }),
                owner -> scopes,
                name -> "You already have an active token named '" + name + "'");
    }

    /**
     * A token of a service account, made by an admin or one of its managers with a session: owned by the account, with
     * scopes among the account's roles (the maker's own roles do not matter), counted against the account's quota.
     */
    public Uni<TokenRequests.View> createFor(Caller caller, UUID accountId, TokenRequests.Create request) {
        ServiceAccountAccess.requireSession(caller, "Creating a service account's token");
        return mint(
                caller,
                request,
                () -> serviceAccounts.requireManageable(caller, accountId, true).map(account -> {
                    if (account.disabled) {
                        throw Refusal.conflict("The service account is disabled; enable it first");
                    }
                    return account;
                }),
                account -> TokenPolicy.accountScopes(Arrays.asList(account.roles), request.scopes()),
                name -> "The service account already has an active token named '" + name + "'");
    }

    /**
     * Creates a token for the owner {@code lockOwner} finds (and locks: concurrent creates for one owner run one after
     * the other, so the name and the quota hold), with the scopes {@code scopesOf} gives for that owner.
     */
    private Uni<TokenRequests.View> mint(
            Caller caller,
            TokenRequests.Create request,
            java.util.function.Supplier<Uni<User>> lockOwner,
            java.util.function.Function<User, Set<String>> scopesOf,
            java.util.function.Function<String, String> nameTaken) {
        String name = TokenPolicy.name(request.name());
        String description = TokenPolicy.description(request.description());
        Instant now = policy.now();
        Instant expiresAt =
                policy.expiry(caller, now, request.expiresAt(), request.expiresInDays(), request.neverExpires());
        List<String> cidrs = TokenPolicy.cidrsFor(caller.networks(), TokenPolicy.cidrs(request.allowedCidrs()));
        UUID id = UUID.randomUUID();
        return transactions
                .write(() -> lockOwner.get().chain(owner -> {
                    Set<String> scopes = scopesOf.apply(owner);
                    return tokens.activeNameTaken(owner.id, name, now)
                            .chain(taken -> {
                                if (taken) {
                                    throw Refusal.conflict(nameTaken.apply(name));
                                }
                                return tokens.countActive(owner.id, now);
                            })
                            .chain(active -> {
                                policy.requireBelowQuota(active);
                                TokenIssuer.Issued issued = issuer.issue(id, owner.id, owner.username, now, expiresAt);
                                AccessToken token = new AccessToken();
                                token.id = id;
                                token.userId = owner.id;
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
                                return tokens.persist(token)
                                        .call(t -> audit.record(
                                                AuditService.actor(caller),
                                                AuditAction.TOKEN_CREATED,
                                                owner.id,
                                                owner.username,
                                                t.id,
                                                "name " + quote(t.name) + ", scopes " + scopes + ", expires "
                                                        + (expiresAt == null ? "never" : expiresAt)
                                                        + (cidrs.isEmpty() ? "" : ", from " + cidrs)))
                                        .map(t -> new Changed(t, owner.username, issued.value()));
                            });
                }))
                .invoke(c -> {
                    gaps.created(c.token().id);
                    publish(c.token());
                    LOG.infof("Token %s created for user %s by %s", c.token().id, c.token().userId, describe(caller));
                })
                .map(c -> views.of(c.token(), c.owner(), now).withToken(c.value()));
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

    private static String quote(String name) {
        return "'" + name.replace("\n", " ") + "'";
    }

    private static String describe(Caller caller) {
        return caller.isSession() ? "user " + caller.userId() : "token " + caller.credentialId();
    }
}
