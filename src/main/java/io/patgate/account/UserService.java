package io.patgate.account;

import io.patgate.audit.AuditService;
import io.patgate.domain.AuditAction;
import io.patgate.domain.Paged;
import io.patgate.domain.Permissions;
import io.patgate.domain.Refusal;
import io.patgate.identity.Caller;
import io.patgate.identity.IdentityState;
import io.patgate.store.AccessToken;
import io.patgate.store.Constraints;
import io.patgate.store.Transactions;
import io.patgate.store.User;
import io.patgate.store.UserRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Accounts: the rules and the transactions. Every change is committed first and only then published to
 * the in-memory {@link IdentityState}, so the per-request check never sees a change the database lost. The changes
 * that end sessions or revoke tokens are {@link UserChanges}'.
 */
@ApplicationScoped
public class UserService {

    private static final Logger LOG = Logger.getLogger(UserService.class);

    private static final int MAX_SEARCH = 64;

    private final UserRepository users;
    private final Transactions transactions;
    private final AuditService audit;
    private final Passwords passwords;
    private final IdentityState state;
    private final EmailConfirmations confirmations;
    private final UserChanges changes;

    public UserService(
            UserRepository users,
            Transactions transactions,
            AuditService audit,
            Passwords passwords,
            IdentityState state,
            EmailConfirmations confirmations,
            UserChanges changes) {
        this.confirmations = confirmations;
        this.changes = changes;
        this.users = users;
        this.transactions = transactions;
        this.audit = audit;
        this.passwords = passwords;
        this.state = state;
    }

    /**
     * An account after a change, the tokens the change revoked, whether its address is confirmed, and the
     * confirmation link to mail once it commits (null for none).
     */
    record Changed(User user, List<AccessToken> revoked, boolean emailConfirmed, EmailConfirmations.Link link) {
        Changed(User user, List<AccessToken> revoked) {
            this(user, revoked, false, null);
        }
    }

    /** An audit event to record once the change is decided. */
    record Event(AuditAction action, String detail) {}

    /** Names notices and the audit log give to actors that are not accounts: retirement, and anonymous leak reports. */
    static final Set<String> RESERVED_NAMES = Set.of("system", "anonymous");

    public Uni<UserRequests.UserView> create(Caller caller, UserRequests.CreateUser request) {
        Set<String> roles = roles(request.roles());
        if (RESERVED_NAMES.contains(request.username().toLowerCase(java.util.Locale.ROOT))) {
            // notices and the audit log name these as the actor of what nobody signed in did
            throw Refusal.invalid("username", "'" + request.username() + "' is reserved");
        }
        passwords.requireLength("password", request.password());
        return passwords
                .hash(request.password())
                .chain(hash -> transactions.write(() -> users.findByUsername(request.username())
                        .chain(existing -> {
                            if (existing != null) {
                                throw existing.isService()
                                        ? ServiceAccountRules.duplicate(request.username())
                                        : duplicate(request.username());
                            }
                            User user = new User();
                            user.id = UUID.randomUUID();
                            user.username = request.username();
                            user.passwordHash = hash;
                            user.roles = roles.toArray(String[]::new);
                            user.disabled = false;
                            user.createdAt = now();
                            user.updatedAt = user.createdAt;
                            return users.persist(user)
                                    .call(created -> audit.record(
                                            AuditService.actor(caller),
                                            AuditAction.USER_CREATED,
                                            created.id,
                                            created.username,
                                            null,
                                            "roles " + roles));
                        })))
                .onFailure(Constraints::isUniqueViolation)
                .transform(e -> duplicate(request.username()))
                .invoke(user -> {
                    state.putUser(toState(user));
                    LOG.infof("Created user %s (%s)", user.id, user.username);
                })
                .map(user -> view(user, false));
    }

    /** Live accounts of people (service accounts have their own list), oldest first; {@code search} narrows to usernames containing it. */
    public Uni<Paged<UserRequests.UserView>> list(String search, int page, int size) {
        String q = search == null || search.isBlank() ? null : search.trim();
        if (q != null && q.length() > MAX_SEARCH) {
            throw Refusal.invalid("q", "must be at most " + MAX_SEARCH + " characters");
        }
        return transactions.read(() -> users.countLive(q)
                .chain(total -> users.page(q, page, size)
                        .chain(list -> confirmations
                                .of(list.stream().map(u -> u.id).toList())
                                .map(states -> new Paged<>(
                                        list.stream()
                                                .map(u -> view(
                                                        u,
                                                        states.containsKey(u.id)
                                                                && states.get(u.id)
                                                                        .confirms(u.email)))
                                                .toList(),
                                        total)))));
    }

    public Uni<UserRequests.UserView> get(UUID id) {
        return transactions.read(() -> users.findLivePerson(id).chain(found -> {
            User user = require(found);
            return confirmations.of(user.id).map(state -> view(user, state != null && state.confirms(user.email)));
        }));
    }

    public Uni<UserRequests.UserView> update(Caller caller, UUID id, UserRequests.UpdateUser request) {
        Set<String> roles = request.roles() == null ? null : roles(request.roles());
        if (request.password() != null) {
            passwords.requireLength("password", request.password());
        }
        Uni<String> newHash =
                request.password() == null ? Uni.createFrom().nullItem() : passwords.hash(request.password());
        return newHash.chain(hash -> change(
                        caller,
                        id,
                        new Change(roles, request.disabled(), hash, request.email(), null, Change.BY_ADMIN)))
                .map(changed -> view(changed.user(), changed.emailConfirmed()));
    }

    /**
     * A change to a person's account: what the admin API asks, or what SCIM provisioning asks. Null fields stay as
     * they are.
     *
     * @param email      the new notice address, "" for none
     * @param externalId SCIM's externalId ("" for none)
     * @param source     who may see the account and how the change is told apart in the audit log
     */
    record Change(
            Set<String> roles, Boolean disabled, String passwordHash, String email, String externalId, Source source) {

        static final Source BY_ADMIN = new Source(user -> true, true, false, "");

        /**
         * @param reaches            whether the account is one this source may change (others are 404, never told apart)
         * @param mailsConfirmation  whether a new address is mailed its confirmation link at once
         * @param grantsOnlyOrdinary whether roles patgate itself honours ({@link Permissions#HONOURED}) may only be kept or
         *                           taken away, never newly granted
         * @param via                appended to each audit event's detail (" (via SCIM)")
         */
        record Source(
                java.util.function.Predicate<User> reaches,
                boolean mailsConfirmation,
                boolean grantsOnlyOrdinary,
                String via) {}
    }

    /** {@link Change}, committed and then published to the in-memory state of every replica ({@link UserChanges#change}). */
    Uni<Changed> change(Caller caller, UUID id, Change request) {
        return changes.change(caller, id, request);
    }

    public Uni<Void> delete(Caller caller, UUID id) {
        return delete(caller, id, Change.BY_ADMIN);
    }

    /** Deletes a person's account that {@code source} reaches ({@link UserChanges#delete}). */
    Uni<Void> delete(Caller caller, UUID id, Change.Source source) {
        return changes.delete(caller, id, source);
    }

    /** An address as stored: trimmed, null for none. */
    static String email(String requested) {
        return requested == null || requested.isBlank() ? null : requested.trim();
    }

    static Set<String> roles(List<String> requested) {
        Set<String> roles = new TreeSet<>(requested == null ? List.of() : requested);
        if (roles.contains(Permissions.TOKENS)) {
            throw Refusal.invalid("roles", "'" + Permissions.TOKENS + "' is reserved for token scopes");
        }
        return roles;
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
        return new IdentityState.UserState(
                user.id,
                user.username,
                Set.copyOf(Arrays.asList(user.roles)),
                user.disabled,
                user.sessionsNotBefore,
                user.keptSession,
                user.rowVersion);
    }

    static UserRequests.UserView view(User user, boolean emailConfirmed) {
        return new UserRequests.UserView(
                user.id,
                user.username,
                List.of(user.roles),
                user.disabled,
                user.createdAt,
                user.email,
                user.email != null && emailConfirmed,
                user.origin);
    }
}
