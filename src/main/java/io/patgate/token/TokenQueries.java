package io.patgate.token;

import io.patgate.account.ServiceAccountAccess;
import io.patgate.domain.Paged;
import io.patgate.domain.Permissions;
import io.patgate.domain.Refusal;
import io.patgate.identity.Caller;
import io.patgate.identity.PatgateIdentityProvider;
import io.patgate.store.AccessToken;
import io.patgate.store.AccessTokenRepository;
import io.patgate.store.AccessTokenRepository.Order;
import io.patgate.store.AccessTokenRepository.Status;
import io.patgate.store.ServiceAccountManagerRepository;
import io.patgate.store.Transactions;
import io.patgate.store.UserRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/** Reading tokens: the lists with their filters, one token, and the token that makes the request. */
@ApplicationScoped
public class TokenQueries {

    static final int MAX_SEARCH = 64;

    /** The list filters a person (or the web UI) sends: {@code ?status=&q=&sort=}. */
    public record ListQuery(String status, String search, String sort) {}

    private final AccessTokenRepository tokens;
    private final UserRepository users;
    private final Transactions transactions;
    private final TokenViews views;
    private final ServiceAccountManagerRepository managers;
    private final ServiceAccountAccess serviceAccounts;

    public TokenQueries(
            AccessTokenRepository tokens,
            UserRepository users,
            Transactions transactions,
            TokenViews views,
            ServiceAccountManagerRepository managers,
            ServiceAccountAccess serviceAccounts) {
        this.tokens = tokens;
        this.users = users;
        this.transactions = transactions;
        this.views = views;
        this.managers = managers;
        this.serviceAccounts = serviceAccounts;
    }

    /** A service account's tokens, for an admin or one of its managers, with a session. */
    public Uni<Paged<TokenRequests.View>> listFor(Caller caller, UUID accountId, ListQuery query, int page, int size) {
        ServiceAccountAccess.requireSession(caller, "Listing a service account's tokens");
        Filter f = Filter.of(query);
        Instant now = now();
        return transactions.read(() -> serviceAccounts
                .requireManageable(caller, accountId, false)
                .chain(account -> tokens.count(account.id, f.status, f.search, now)
                        .chain(total -> tokens.page(account.id, f.status, f.search, f.order, now, page, size)
                                .map(list -> new Paged<>(
                                        list.stream()
                                                .map(t -> views.of(t, account.username, now))
                                                .toList(),
                                        total)))));
    }

    public Uni<Paged<TokenRequests.View>> listOwn(Caller caller, ListQuery query, int page, int size) {
        TokenPolicy.requireManager(caller);
        Filter f = Filter.of(query);
        Instant now = now();
        return transactions.read(() -> tokens.count(caller.userId(), f.status, f.search, now)
                .chain(total -> tokens.page(caller.userId(), f.status, f.search, f.order, now, page, size)
                        .map(list -> new Paged<>(
                                list.stream()
                                        .map(t -> views.of(t, caller.username(), now))
                                        .toList(),
                                total))));
    }

    /** Every user's tokens, or one user's when {@code username} is given (an unknown name: an empty page). */
    public Uni<Paged<TokenRequests.View>> listAll(Caller caller, String username, ListQuery query, int page, int size) {
        TokenPolicy.requireManager(caller);
        Filter f = Filter.of(query);
        Instant now = now();
        return transactions.read(() -> {
            if (username == null || username.isBlank()) {
                return pageOf(null, f, now, page, size);
            }
            return users.idOf(username)
                    .chain(owner -> owner.isPresent()
                            ? pageOf(owner.get(), f, now, page, size)
                            : Uni.createFrom().item(new Paged<>(List.<TokenRequests.View>of(), 0)));
        });
    }

    private Uni<Paged<TokenRequests.View>> pageOf(UUID owner, Filter f, Instant now, int page, int size) {
        return tokens.count(owner, f.status, f.search, now)
                .chain(total -> tokens.page(owner, f.status, f.search, f.order, now, page, size)
                        .chain(list -> users.usernames(
                                        list.stream().map(t -> t.userId).collect(Collectors.toSet()))
                                .map(names -> new Paged<>(
                                        list.stream()
                                                .map(t -> views.of(t, names.get(t.userId), now))
                                                .toList(),
                                        total))));
    }

    public Uni<TokenRequests.View> get(Caller caller, UUID id) {
        TokenPolicy.requireManager(caller);
        Instant now = now();
        return transactions.read(() -> tokens.findById(id)
                .chain(t -> visible(caller, t, managers))
                .map(Visible::token)
                .chain(t -> users.usernames(Set.of(t.userId)).map(names -> views.of(t, names.get(t.userId), now))));
    }

    /** The token that made this request. */
    public Uni<TokenRequests.View> self(Caller caller) {
        if (caller.isSession()) {
            throw Refusal.forbidden("This request was made with a session, not a personal access token");
        }
        Instant now = now();
        return transactions.read(() -> tokens.findById(caller.credentialId())).map(t -> {
            if (t == null) {
                throw Refusal.notFound("Token");
            }
            return views.of(t, caller.username(), now).asSeenBySelf(caller.effectiveScopes());
        });
    }

    /**
     * A token the caller may see, and whether the caller acts as its owner: its owner, or a manager of the service
     * account that owns it (a revocation by either has reason {@code owner}); else an admin.
     */
    record Visible(AccessToken token, boolean asOwner) {}

    /**
     * The token, if the caller owns it, manages the service account that owns it, or is an admin; anyone else's
     * token is "not found", not "forbidden".
     */
    static Uni<Visible> visible(Caller caller, AccessToken token, ServiceAccountManagerRepository managers) {
        if (token == null) {
            throw Refusal.notFound("Token");
        }
        if (token.userId.equals(caller.userId())) {
            return Uni.createFrom().item(new Visible(token, true));
        }
        boolean admin = PatgateIdentityProvider.effectiveRoles(caller).contains(Permissions.ADMIN);
        return managers.manages(caller.userId(), token.userId).map(manages -> {
            if (!manages && !admin) {
                throw Refusal.notFound("Token");
            }
            return new Visible(token, manages);
        });
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS);
    }

    private record Filter(Status status, String search, Order order) {

        static Filter of(ListQuery query) {
            return new Filter(status(query.status()), search(query.search()), order(query.sort()));
        }

        private static Status status(String value) {
            if (value == null || value.isBlank()) {
                return Status.ALL;
            }
            try {
                return Status.valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw Refusal.invalid("status", "must be one of active, expired, revoked, all");
            }
        }

        private static String search(String value) {
            if (value == null || value.isBlank()) {
                return null;
            }
            String trimmed = value.trim();
            if (trimmed.length() > MAX_SEARCH) {
                throw Refusal.invalid("q", "must be at most " + MAX_SEARCH + " characters");
            }
            return trimmed;
        }

        private static Order order(String value) {
            if (value == null || value.isBlank()) {
                return Order.CREATED;
            }
            return switch (value.trim()) {
                case "created" -> Order.CREATED;
                case "expires" -> Order.EXPIRES;
                case "lastUsed" -> Order.LAST_USED;
                case "name" -> Order.NAME;
                default -> throw Refusal.invalid("sort", "must be one of created, expires, lastUsed, name");
            };
        }
    }
}
