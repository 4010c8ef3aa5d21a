package io.patgate.token;

import io.patgate.account.ServiceAccountAccess;
import io.patgate.audit.AuditService;
import io.patgate.config.PatgateConfig;
import io.patgate.domain.AuditAction;
import io.patgate.domain.Refusal;
import io.patgate.identity.Caller;
import io.patgate.identity.IdentityState;
import io.patgate.identity.TokenGapFiller;
import io.patgate.store.AccessToken;
import io.patgate.store.AccessTokenRepository;
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
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Making a new personal access token, for {@link TokenService}: a person's own, or a service account's by an admin or
 * one of its managers. The owner's row is locked first, so concurrent creates for one owner run one after the other and
 * the name (unique among the owner's active tokens) and the quota ({@code patgate.tokens.max-per-user}) hold; then the
 * value is minted ({@link TokenIssuer}), the row written and the creation audited, in one transaction. After the
 * commit the token is published to the in-memory state and its id marked created for the gap filler, and the value is
 * shown this once.
 */
@ApplicationScoped
class TokenCreation {

    private static final Logger LOG = Logger.getLogger(TokenCreation.class);

    private final AccessTokenRepository tokens;
    private final UserRepository users;
    private final Transactions transactions;
    private final AuditService audit;
    private final TokenIssuer issuer;
    private final TokenViews views;
    private final IdentityState state;
    private final TokenGapFiller gaps;
    private final ServiceAccountAccess serviceAccounts;
    private final TokenPolicy policy;

    TokenCreation(
            AccessTokenRepository tokens,
            UserRepository users,
            Transactions transactions,
            AuditService audit,
            TokenIssuer issuer,
            TokenViews views,
            IdentityState state,
            TokenGapFiller gaps,
            ServiceAccountAccess serviceAccounts,
            PatgateConfig config) {
        this.tokens = tokens;
        this.users = users;
        this.transactions = transactions;
        this.audit = audit;
        this.issuer = issuer;
        this.views = views;
        this.state = state;
        this.gaps = gaps;
        this.serviceAccounts = serviceAccounts;
        this.policy = new TokenPolicy(TokenPolicy.Limits.of(config.tokens()), Clock.systemUTC());
    }

    /** A token just made, with its owner's name and its value (shown once). */
    private record Created(AccessToken token, String owner, String value) {}

    /** The caller's own token. */
    Uni<TokenRequests.View> create(Caller caller, TokenRequests.Create request) {
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
    Uni<TokenRequests.View> createFor(Caller caller, UUID accountId, TokenRequests.Create request) {
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
                                        .map(t -> new Created(t, owner.username, issued.value()));
                            });
                }))
                .invoke(c -> {
                    gaps.created(c.token().id);
                    // after the commit: the token works on this replica's next request (others follow through the feed)
                    state.putToken(StateRows.state(c.token()));
                    LOG.infof(
                            "Token %s created for user %s by %s",
                            c.token().id, c.token().userId, TokenService.describe(caller));
                })
                .map(c -> views.of(c.token(), c.owner(), now).withToken(c.value()));
    }

    private static String quote(String name) {
        return "'" + name.replace("\n", " ") + "'";
    }
}
