package io.patgate.account;

import io.patgate.domain.Permissions;
import io.patgate.audit.AuditService;
import io.patgate.config.PatgateConfig;
import io.patgate.identity.Caller;
import io.patgate.http.Paged;
import io.patgate.domain.Refusal;
import io.patgate.identity.IdentityState;
import io.patgate.store.AccessToken;
import io.patgate.store.AccessTokenRepository;
import io.patgate.store.Constraints;
import io.patgate.store.TokenRows;
import io.patgate.store.User;
import io.patgate.store.UserRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Accounts: the rules and the transactions. Every change is committed first and only then published to
 * the in-memory {@link IdentityState}, so the per-request check never sees a change the database lost.
 */
@ApplicationScoped
public class UserService {

    private static final Logger LOG = Logger.getLogger(UserService.class);

    private final UserRepository users;
    private final AccessTokenRepository tokens;
    private final AuditService audit;
    private final PasswordHasher hasher;
    private final IdentityState state;
    private final Vertx vertx;
    private final LoginThrottle throttle;
    private final int minPasswordLength;

    public UserService(UserRepository users, AccessTokenRepository tokens, AuditService audit, PasswordHasher hasher, IdentityState state,
                       Vertx vertx, LoginThrottle throttle, PatgateConfig config) {
        this.throttle = throttle;
        this.users = users;
        this.tokens = tokens;
        this.audit = audit;
        this.hasher = hasher;
        this.state = state;
        this.vertx = vertx;
        this.minPasswordLength = config.password().minLength();
    }

    public Uni<UserRequests.UserView> create(Caller caller, UserRequests.CreateUser request) {
        Set<String> roles = roles(request.roles());
        checkPassword("password", request.password());
        return hash(request.password())
                .chain(hash -> Panache.withTransaction(() -> users.findByUsername(request.username())
                        .chain(existing -> {
                            if (existing != null) {
                                throw duplicate(request.username());
                            }
                            User user = new User();
                            user.id = UUID.randomUUID();
                            user.username = request.username();
                            user.passwordHash = hash;
                            user.roles = roles.toArray(String[]::new);
                            user.disabled = false;
                            user.createdAt = now();
                            user.updatedAt = user.createdAt;
                            return users.persist(user).call(created -> audit.record(AuditService.actor(caller), "user.created",
                                    created.id, created.username, null, "roles " + roles));
                        })))
                .onFailure(Constraints::isUniqueViolation).transform(e -> duplicate(request.username()))
                .invoke(user -> {
                    state.putUser(toState(user));
                    LOG.infof("Created user %s (%s)", user.id, user.username);
                })
                .map(UserService::view);
    }

    /** Live accounts, oldest first; {@code search} narrows to usernames containing it. */
    public Uni<Paged<UserRequests.UserView>> list(String search, int page, int size) {
        String q = search == null || search.isBlank() ? null : search.trim();
        if (q != null && q.length() > 64) {
            throw Refusal.invalid("q", "must be at most 64 characters");
        }
        return Panache.withSession(() -> users.countLive(q)
                .chain(total -> users.page(q, page, size)
                        .map(list -> new Paged<>(list.stream().map(UserService::view).toList(), total))));
    }

    public Uni<UserRequests.UserView> get(UUID id) {
        return Panache.withSession(() -> users.findLive(id))
                .map(user -> view(require(user)));
    }

    public Uni<UserRequests.UserView> update(Caller caller, UUID id, UserRequests.UpdateUser request) {
        Set<String> roles = request.roles() == null ? null : roles(request.roles());
        if (request.password() != null) {
            checkPassword("password", request.password());
        }
        Uni<String> newHash = request.password() == null ? Uni.createFrom().nullItem() : hash(request.password());
        return newHash.chain(hash -> Panache.withTransaction(() -> users.findLiveForUpdate(id)
                        .chain(found -> {
                            User user = require(found);
                            boolean wasAdmin = isEnabledAdmin(user);
                            boolean disabling = Boolean.TRUE.equals(request.disabled()) && !user.disabled;
                            List<String[]> events = new java.util.ArrayList<>();
                            if (roles != null && !roles.equals(new TreeSet<>(Arrays.asList(user.roles)))) {
                                events.add(new String[]{"user.roles-changed", new TreeSet<>(Arrays.asList(user.roles)) + " -> " + roles});
                            }
                            if (request.disabled() != null && request.disabled() != user.disabled) {
                                events.add(new String[]{request.disabled() ? "user.disabled" : "user.enabled", ""});
                            }
                            if (hash != null) {
                                events.add(new String[]{"user.password-changed", ""});
                            }
                            if (roles != null) {
                                user.roles = roles.toArray(String[]::new);
                            }
                            if (request.disabled() != null) {
                                user.disabled = request.disabled();
                            }
                            if (hash != null) {
                                user.passwordHash = hash;
                            }
                            if (hash != null || disabling) {
                                // every session open until now ends, and stays ended if the account is enabled again
                                // (JWT iat has whole seconds: from the next second on, so no session of this one survives)
                                user.sessionsNotBefore = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
                                user.keptSession = null;
                            }
                            user.updatedAt = now();
                            Uni<Void> guard = wasAdmin && !isEnabledAdmin(user) ? lastAdminGuard(user.id) : Uni.createFrom().voidItem();
                            return guard.chain(() -> disabling ? revokeTokens(caller, user, "user-disabled") : Uni.createFrom().item(List.<AccessToken>of()))
                                    .call(revoked -> recordAll(caller, user, events))
                                    .map(revoked -> Map.entry(user, revoked));
                        })))
                .invoke(changed -> {
                    User user = changed.getKey();
                    state.putUser(toState(user));
                    changed.getValue().forEach(t -> state.putToken(TokenRows.state(t)));
                    LOG.infof("Updated user %s (%s)%s", user.id, user.username,
                            changed.getValue().isEmpty() ? "" : ", revoked " + changed.getValue().size() + " tokens");
                })
                .map(changed -> view(changed.getKey()));
    }

    /**
     * A person changes their own password. Only with a session: a personal access token is a password
     * replacement and must never be able to take over the account. Counted by the login throttle (a wrong
     * current password is a guess like a failed login), audited, and every other session of the account
     * ends; the session making the change, and every personal access token, keep working.
     */
    public Uni<Void> changeOwnPassword(Caller caller, UserRequests.ChangePassword request, String clientAddress) {
        if (!caller.isSession()) {
            throw Refusal.forbidden("Only a signed-in session may change the password, never a personal access token");
        }
        throttle.check(caller.username(), clientAddress);
        checkPassword("newPassword", request.newPassword());
        if (request.newPassword().equals(request.currentPassword())) {
            throw Refusal.invalid("newPassword", "must differ from the current password");
        }
        throttle.attempt(caller.username(), clientAddress);
        String actor = AuditService.actor(caller);
        String[] verifiedHash = new String[1];
        return Panache.withSession(() -> users.findLive(caller.userId()))
                .chain(user -> {
                    if (user == null || user.disabled) {
                        throw Refusal.unauthenticated("The account is disabled or no longer exists");
                    }
                    verifiedHash[0] = user.passwordHash;
                    return vertx.executeBlocking(Uni.createFrom().item(() -> hasher.verify(request.currentPassword(), user.passwordHash)));
                })
                .chain(matches -> {
                    if (!matches) {
                        LOG.infof("Wrong current password in a password change of user %s", caller.userId());
                        return Panache.withTransaction(() -> audit.record(actor, "user.password-change-failed", caller.userId(), caller.username(),
                                        null, "wrong current password"))
                                .invoke(() -> {
                                    throw Refusal.forbidden("The current password is wrong");
                                });
                    }
                    throttle.succeeded(caller.username(), clientAddress);
                    return hash(request.newPassword()).chain(hash -> Panache.withTransaction(() -> users.findLiveForUpdate(caller.userId())
                                    .chain(found -> {
                                        User user = require(found);
                                        if (user.disabled || !user.passwordHash.equals(verifiedHash[0])) {
                                            // an admin reset or disabled the account while the password was checked: theirs wins
                                            throw Refusal.conflict("The account changed meanwhile; sign in again and retry");
                                        }
                                        user.passwordHash = hash;
                                        // every session open until now ends (from the next whole second, as JWT iat has
                                        // whole seconds), except the one making this change
                                        user.sessionsNotBefore = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
                                        user.keptSession = caller.credentialId();
                                        user.updatedAt = now();
                                        return audit.record(actor, "user.password-changed", user.id, user.username, null,
                                                "by the user; other sessions ended").replaceWith(user);
                                    })))
                            .invoke(user -> {
                                state.putUser(toState(user));
                                LOG.infof("User %s changed their password; other sessions ended", user.id);
                            })
                            .replaceWithVoid();
                });
    }

    /**
     * The incident button after a signing key leaked (rotate first): every session of every account ends,
     * the caller's own included, on every replica. Personal access tokens are bound to their digests, so a
     * stolen key cannot mint them, and they keep working.
     */
    public Uni<UserRequests.SessionsEnded> endAllSessions(Caller caller) {
        Instant cut = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        return Panache.withTransaction(() -> users.update("sessionsNotBefore = ?1, keptSession = null, updatedAt = ?2 where deletedAt is null",
                                cut, now())
                        .chain(count -> audit.record(AuditService.actor(caller), "sessions.revoked-all", null, null, null,
                                "every session issued before " + cut + " ended (" + count + " accounts)").replaceWith(count))
                        .chain(count -> users.list("deletedAt is null").map(live -> Map.entry(count, live))))
                .invoke(result -> {
                    result.getValue().forEach(u -> state.putUser(toState(u)));
                    LOG.warnf("Every session ended by %s (%d accounts)", caller.userId(), result.getKey());
                })
                .map(result -> new UserRequests.SessionsEnded(result.getKey(), cut));
    }

    public Uni<Void> delete(Caller caller, UUID id) {
        return Panache.withTransaction(() -> users.findLiveForUpdate(id)
                        .chain(found -> {
                            User user = require(found);
                            Uni<Void> guard = isEnabledAdmin(user) ? lastAdminGuard(user.id) : Uni.createFrom().voidItem();
                            return guard.chain(() -> {
                                // kept, marked deleted, so its tokens stay listed as revoked with reason user-deleted
                                user.deletedAt = now();
                                user.updatedAt = user.deletedAt;
                                return revokeTokens(caller, user, "user-deleted");
                            }).call(() -> audit.record(AuditService.actor(caller), "user.deleted", user.id, user.username, null, ""))
                                    .map(revoked -> Map.entry(user, revoked));
                        }))
                .invoke(deleted -> {
                    deleted.getValue().forEach(t -> state.putToken(TokenRows.state(t)));
                    state.removeUser(deleted.getKey().id);
                    LOG.infof("Deleted user %s (%s), revoked %d tokens", deleted.getKey().id, deleted.getKey().username, deleted.getValue().size());
                })
                .replaceWithVoid();
    }

    private Uni<Void> recordAll(Caller caller, User user, List<String[]> events) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (String[] e : events) {
            chain = chain.chain(() -> audit.record(AuditService.actor(caller), e[0], user.id, user.username, null, e[1]));
        }
        return chain;
    }

    /** Revokes every active token of {@code user} for {@code reason}, in the caller's transaction, with an event each. */
    private Uni<List<AccessToken>> revokeTokens(Caller caller, User user, String reason) {
        Instant now = now();
        return tokens.activeOf(user.id, now).invoke(active -> active.forEach(t -> {
            t.revokedAt = now;
            t.revokedReason = reason;
            t.previousDigest = null;
            t.previousValidUntil = null;
            t.updatedAt = now;
        })).call(active -> {
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (AccessToken t : active) {
                chain = chain.chain(() -> audit.record(AuditService.actor(caller), "token.revoked", user.id, user.username, t.id, "reason " + reason));
            }
            return chain;
        });
    }

    /** Nobody can remove the last enabled admin: that would lock everyone out of account management. */
    private Uni<Void> lastAdminGuard(UUID userId) {
        // serialised across requests and replicas: two admins demoting each other cannot both pass
        return users.lockAdminChanges().chain(() -> users.countOtherEnabledAdmins(userId)).invoke(others -> {
            if (others == 0) {
                throw Refusal.conflict("This is the last enabled admin; promote another user first");
            }
        }).replaceWithVoid();
    }

    private Uni<String> hash(String password) {
        return vertx.executeBlocking(Uni.createFrom().item(() -> hasher.hash(password)));
    }

    private void checkPassword(String field, String password) {
        if (password.codePointCount(0, password.length()) < minPasswordLength) {
            throw Refusal.invalid(field, "must be at least " + minPasswordLength + " characters");
        }
    }

    private static Set<String> roles(List<String> requested) {
        Set<String> roles = new TreeSet<>(requested == null ? List.of() : requested);
        if (roles.contains(Permissions.TOKENS)) {
            throw Refusal.invalid("roles", "'" + Permissions.TOKENS + "' is reserved for token scopes");
        }
        return roles;
    }

    private static boolean isEnabledAdmin(User user) {
        return !user.disabled && Arrays.asList(user.roles).contains(Permissions.ADMIN);
    }

    private static User require(User user) {
        if (user == null) {
            throw Refusal.notFound("User");
        }
        return user;
    }

    private static Refusal duplicate(String username) {
        return Refusal.conflict("A user named '" + username + "' already exists");
    }

    static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    public static IdentityState.UserState toState(User user) {
        return new IdentityState.UserState(user.id, user.username, Set.copyOf(Arrays.asList(user.roles)), user.disabled,
                user.sessionsNotBefore, user.keptSession);
    }

    static UserRequests.UserView view(User user) {
        return new UserRequests.UserView(user.id, user.username, List.of(user.roles), user.disabled, user.createdAt);
    }
}
