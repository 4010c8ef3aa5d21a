package io.patgate.account;

import io.patgate.domain.Permissions;
import io.patgate.audit.AuditService;
import io.patgate.audit.Notices;
import io.patgate.identity.Caller;
import io.patgate.http.Paged;
import io.patgate.domain.Refusal;
import io.patgate.identity.IdentityState;
import io.patgate.store.AccessToken;
import io.patgate.store.AccessTokenRepository;
import io.patgate.store.Constraints;
import io.patgate.store.ServiceAccountManagerRepository;
import io.patgate.store.TokenRows;
import io.patgate.store.Transactions;
import io.patgate.store.User;
import io.patgate.store.UserRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
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

    private static final int MAX_SEARCH = 64;

    private final UserRepository users;
    private final AccessTokenRepository tokens;
    private final Transactions transactions;
    private final AuditService audit;
    private final Passwords passwords;
    private final IdentityState state;
    private final Notices notices;
    private final ServiceAccountManagerRepository managers;

    public UserService(UserRepository users, AccessTokenRepository tokens, Transactions transactions, AuditService audit, Passwords passwords,
                       IdentityState state, Notices notices, ServiceAccountManagerRepository managers) {
        this.notices = notices;
        this.managers = managers;
        this.users = users;
        this.tokens = tokens;
        this.transactions = transactions;
        this.audit = audit;
        this.passwords = passwords;
        this.state = state;
    }

    /** An account after a change, and the tokens the change revoked. */
    private record Changed(User user, List<AccessToken> revoked) {
    }

    /** An audit event to record once the change is decided. */
    record Event(String action, String detail) {
    }

    /** Names notices and the audit log give to actors that are not accounts: retirement, and anonymous leak reports. */
    static final Set<String> RESERVED_NAMES = Set.of("system", "anonymous");

    public Uni<UserRequests.UserView> create(Caller caller, UserRequests.CreateUser request) {
        Set<String> roles = roles(request.roles());
        if (RESERVED_NAMES.contains(request.username().toLowerCase(java.util.Locale.ROOT))) {
            // notices and the audit log name these as the actor of what nobody signed in did
            throw Refusal.invalid("username", "'" + request.username() + "' is reserved");
        }
        passwords.requireLength("password", request.password());
        return passwords.hash(request.password())
                .chain(hash -> transactions.write(() -> users.findByUsername(request.username())
                        .chain(existing -> {
                            if (existing != null) {
                                throw existing.isService() ? ServiceAccountService.duplicate(request.username()) : duplicate(request.username());
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

    /** Live accounts of people (service accounts have their own list), oldest first; {@code search} narrows to usernames containing it. */
    public Uni<Paged<UserRequests.UserView>> list(String search, int page, int size) {
        String q = search == null || search.isBlank() ? null : search.trim();
        if (q != null && q.length() > MAX_SEARCH) {
            throw Refusal.invalid("q", "must be at most " + MAX_SEARCH + " characters");
        }
        return transactions.read(() -> users.countLive(q)
                .chain(total -> users.page(q, page, size)
                        .map(list -> new Paged<>(list.stream().map(UserService::view).toList(), total))));
    }

    public Uni<UserRequests.UserView> get(UUID id) {
        return transactions.read(() -> users.findLivePerson(id))
                .map(user -> view(require(user)));
    }

    public Uni<UserRequests.UserView> update(Caller caller, UUID id, UserRequests.UpdateUser request) {
        if (request.email() != null && !caller.isSession()) {
            // where security notices go is not for a token to change, as on the profile
            throw Refusal.forbidden("An email address changes only with a signed-in session, never with a personal access token");
        }
        Set<String> roles = request.roles() == null ? null : roles(request.roles());
        if (request.password() != null) {
            passwords.requireLength("password", request.password());
        }
        Uni<String> newHash = request.password() == null ? Uni.createFrom().nullItem() : passwords.hash(request.password());
        return newHash.chain(hash -> transactions.write(() -> users.findLivePersonForUpdate(id)
                        .chain(found -> {
                            User user = require(found);
                            boolean wasAdmin = isEnabledAdmin(user);
                            boolean disabling = Boolean.TRUE.equals(request.disabled()) && !user.disabled;
                            List<Event> events = new java.util.ArrayList<>();
                            if (roles != null && !roles.equals(new TreeSet<>(Arrays.asList(user.roles)))) {
                                events.add(new Event("user.roles-changed", new TreeSet<>(Arrays.asList(user.roles)) + " -> " + roles));
                            }
                            if (request.disabled() != null && request.disabled() != user.disabled) {
                                events.add(new Event(request.disabled() ? "user.disabled" : "user.enabled", ""));
                            }
                            if (hash != null) {
                                events.add(new Event("user.password-changed", ""));
                            }
                            String email = email(request.email());
                            if (request.email() != null && !java.util.Objects.equals(email, user.email)) {
                                events.add(new Event("user.email-changed", email == null ? "removed" : "set"));
                                user.email = email;
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
                                    .map(revoked -> new Changed(user, revoked));
                        })))
                .invoke(changed -> {
                    User user = changed.user();
                    state.putUser(toState(user));
                    changed.revoked().forEach(t -> state.putToken(TokenRows.state(t)));
                    LOG.infof("Updated user %s (%s)%s", user.id, user.username,
                            changed.revoked().isEmpty() ? "" : ", revoked " + changed.revoked().size() + " tokens");
                })
                .map(changed -> view(changed.user()));
    }

    public Uni<Void> delete(Caller caller, UUID id) {
        return transactions.write(() -> users.findLivePersonForUpdate(id)
                        .chain(found -> {
                            User user = require(found);
                            Uni<Void> guard = isEnabledAdmin(user) ? lastAdminGuard(user.id) : Uni.createFrom().voidItem();
                            return guard.chain(() -> {
                                // kept, marked deleted, so its tokens stay listed as revoked with reason user-deleted
                                user.deletedAt = now();
                                user.updatedAt = user.deletedAt;
                                return revokeTokens(caller, user, "user-deleted");
                            }).call(revoked -> managers.removePerson(user.id).chain(managed -> audit.record(AuditService.actor(caller),
                                            "user.deleted", user.id, user.username, null,
                                            // the service accounts they managed stay, with their tokens
                                            managed.isEmpty() ? "" : "no longer manages service accounts " + managed)))
                                    .map(revoked -> new Changed(user, revoked));
                        }))
                .invoke(deleted -> {
                    deleted.revoked().forEach(t -> state.putToken(TokenRows.state(t)));
                    state.removeUser(deleted.user().id);
                    LOG.infof("Deleted user %s (%s), revoked %d tokens", deleted.user().id, deleted.user().username, deleted.revoked().size());
                })
                .replaceWithVoid();
    }

    /** The notice settings of the caller's own account. */
    public Uni<UserRequests.NoticeSettings> noticeSettings(Caller caller, boolean emailEnabled) {
        return transactions.read(() -> users.findLive(caller.userId())).map(user -> settings(require(user), emailEnabled));
    }

    /** Changes the caller's own notice settings (with a session only: where security notices go is the account's business). */
    public Uni<UserRequests.NoticeSettings> changeNoticeSettings(Caller caller, UserRequests.NoticeSettings request, boolean emailEnabled) {
        if (!caller.isSession()) {
            throw Refusal.forbidden("Notice settings change only with a signed-in session, never with a personal access token");
        }
        String email = email(request.email());
        List<String> kinds = request.emailNotices() == null ? null : noticeKinds(request.emailNotices());
        return transactions.write(() -> users.findLiveForUpdate(caller.userId()).chain(found -> {
                    User user = require(found);
                    if (request.email() != null) {
                        user.email = email;
                    }
                    if (kinds != null) {
                        user.emailNotices = kinds.toArray(String[]::new);
                    }
                    user.updatedAt = now();
                    return audit.record(AuditService.actor(caller), "user.notice-settings-changed", user.id, user.username, null,
                            "email " + (user.email == null ? "none" : "set") + ", notices " + Arrays.asList(user.emailNotices)).replaceWith(user);
                }))
                .invoke(user -> state.putUser(toState(user)))
                .map(user -> settings(user, emailEnabled));
    }

    private static UserRequests.NoticeSettings settings(User user, boolean emailEnabled) {
        return new UserRequests.NoticeSettings(user.email, List.of(user.emailNotices), emailEnabled);
    }

    /** An address as stored: trimmed, null for none. */
    private static String email(String requested) {
        return requested == null || requested.isBlank() ? null : requested.trim();
    }

    private static List<String> noticeKinds(List<String> requested) {
        for (String kind : requested) {
            if (!Notices.EMAIL_KINDS.contains(kind)) {
                throw Refusal.invalid("emailNotices", "'" + kind + "' is not one of " + Notices.EMAIL_KINDS);
            }
        }
        return Notices.EMAIL_KINDS.stream().filter(requested::contains).toList();
    }

    private Uni<Void> recordAll(Caller caller, User user, List<Event> events) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Event e : events) {
            chain = chain.chain(() -> audit.record(AuditService.actor(caller), e.action(), user.id, user.username, null, e.detail()));
        }
        return chain;
    }

    /** Revokes every active token of {@code user} for {@code reason}, in the caller's transaction, with an event each. */
    Uni<List<AccessToken>> revokeTokens(Caller caller, User user, String reason) {
        Instant now = now();
        return tokens.activeOf(user.id, now).invoke(active -> active.forEach(t -> t.revoke(reason, now))).call(active -> {
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (AccessToken t : active) {
                chain = chain.chain(() -> audit.record(AuditService.actor(caller), "token.revoked", user.id, user.username, t.id, "reason " + reason))
                        .chain(() -> notices.revoked(t.id, user.id, reason, caller.username()));
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



    static Set<String> roles(List<String> requested) {
        Set<String> roles = new TreeSet<>(requested == null ? List.of() : requested);
        if (roles.contains(Permissions.TOKENS)) {
            throw Refusal.invalid("roles", "'" + Permissions.TOKENS + "' is reserved for token scopes");
        }
        return roles;
    }

    private static boolean isEnabledAdmin(User user) {
        return !user.disabled && Arrays.asList(user.roles).contains(Permissions.ADMIN);
    }

    static User require(User user) {
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
                user.sessionsNotBefore, user.keptSession, user.rowVersion);
    }

    static UserRequests.UserView view(User user) {
        return new UserRequests.UserView(user.id, user.username, List.of(user.roles), user.disabled, user.createdAt, user.email);
    }
}
