package io.patgate.account;

import io.patgate.domain.AuditAction;
import io.patgate.domain.Permissions;
import io.patgate.audit.AuditService;
import io.patgate.identity.Caller;
import io.patgate.domain.Paged;
import io.patgate.domain.Refusal;
import io.patgate.domain.RevokeReason;
import io.patgate.revocation.TokenRevocation;
import io.patgate.identity.IdentityState;
import io.patgate.store.AccessToken;
import io.patgate.store.Constraints;
import io.patgate.store.ServiceAccountManagerRepository;
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
    private final Transactions transactions;
    private final AuditService audit;
    private final Passwords passwords;
    private final IdentityState state;
    private final TokenRevocation revocation;
    private final EmailConfirmations confirmations;
    private final ServiceAccountManagerRepository managers;

    public UserService(UserRepository users, Transactions transactions, AuditService audit, Passwords passwords,
                       IdentityState state, TokenRevocation revocation, EmailConfirmations confirmations, ServiceAccountManagerRepository managers) {
        this.revocation = revocation;
        this.confirmations = confirmations;
        this.managers = managers;
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
    record Event(AuditAction action, String detail) {
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
                            return users.persist(user).call(created -> audit.record(AuditService.actor(caller), AuditAction.USER_CREATED,
                                    created.id, created.username, null, "roles " + roles));
                        })))
                .onFailure(Constraints::isUniqueViolation).transform(e -> duplicate(request.username()))
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
                        .chain(list -> confirmations.of(list.stream().map(u -> u.id).toList()).map(states -> new Paged<>(list.stream()
                                .map(u -> view(u, states.containsKey(u.id) && states.get(u.id).confirms(u.email))).toList(), total)))));
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
        Uni<String> newHash = request.password() == null ? Uni.createFrom().nullItem() : passwords.hash(request.password());
        return newHash.chain(hash -> change(caller, id, new Change(roles, request.disabled(), hash, request.email(), null, Change.BY_ADMIN)))
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
    record Change(Set<String> roles, Boolean disabled, String passwordHash, String email, String externalId, Source source) {

        static final Source BY_ADMIN = new Source(user -> true, true, false, "");

        /**
         * @param reaches            whether the account is one this source may change (others are 404, never told apart)
         * @param mailsConfirmation  whether a new address is mailed its confirmation link at once
         * @param grantsOnlyOrdinary whether roles patgate itself honours ({@link Permissions#HONOURED}) may only be kept or
         *                           taken away, never newly granted
         * @param via                appended to each audit event's detail (" (via SCIM)")
         */
        record Source(java.util.function.Predicate<User> reaches, boolean mailsConfirmation, boolean grantsOnlyOrdinary, String via) {
        }
    }

    /** {@link Change}, committed and then published to the in-memory state of every replica. */
    Uni<Changed> change(Caller caller, UUID id, Change request) {
        Change.Source source = request.source();
        Set<String> roles = request.roles();
        String hash = request.passwordHash();
        return transactions.write(() -> users.findLivePersonForUpdate(id)
                        .chain(found -> {
                            User user = require(found == null || !source.reaches().test(found) ? null : found);
                            if (source.grantsOnlyOrdinary() && roles != null) {
                                requireNoNewHonouredRoles(user, roles);
                            }
                            boolean wasAdmin = isEnabledAdmin(user);
                            boolean disabling = Boolean.TRUE.equals(request.disabled()) && !user.disabled;
                            List<Event> events = new java.util.ArrayList<>();
                            if (roles != null && !roles.equals(new TreeSet<>(Arrays.asList(user.roles)))) {
                                events.add(new Event(AuditAction.USER_ROLES_CHANGED, new TreeSet<>(Arrays.asList(user.roles)) + " -> " + roles));
                            }
                            if (request.disabled() != null && request.disabled() != user.disabled) {
                                events.add(new Event(request.disabled() ? AuditAction.USER_DISABLED : AuditAction.USER_ENABLED, ""));
                            }
                            if (hash != null) {
                                events.add(new Event(AuditAction.USER_PASSWORD_CHANGED, ""));
                            }
                            String email = email(request.email());
                            boolean emailChanged = request.email() != null && !java.util.Objects.equals(email, user.email);
                            if (emailChanged) {
                                events.add(new Event(AuditAction.USER_EMAIL_CHANGED, email == null ? "removed" : "set, unconfirmed"));
                                user.email = email;
                            }
                            String externalId = request.externalId() == null || request.externalId().isEmpty() ? null : request.externalId();
                            if (request.externalId() != null && !java.util.Objects.equals(externalId, user.scimExternalId)) {
                                events.add(new Event(AuditAction.USER_EXTERNAL_ID_CHANGED, externalId == null ? "removed" : "set to " + externalId));
                                user.scimExternalId = externalId;
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
                                user.sessionsNotBefore = SessionCutoff.after(user.sessionsNotBefore, Instant.now());
                                user.keptSession = null;
                            }
                            user.updatedAt = now();
                            Uni<Void> guard = wasAdmin && !isEnabledAdmin(user) ? lastAdminGuard(user.id) : Uni.createFrom().voidItem();
                            // a new address is unconfirmed, and gets its link (counted against the daily limits) in this transaction;
                            // one SCIM provisions is never mailed until the person asks for a link from their profile
                            Uni<EmailConfirmations.Link> link = emailChanged && source.mailsConfirmation() ? confirmations.addressChanged(user)
                                    : Uni.createFrom().nullItem();
                            Uni<Boolean> confirmed = emailChanged ? Uni.createFrom().item(false)
                                    : confirmations.of(user.id).map(c -> c != null && c.confirms(user.email));
                            return guard.chain(() -> link).chain(l -> confirmed.chain(c -> (disabling ? revocation.revokeAllOf(user, RevokeReason.USER_DISABLED, TokenRevocation.By.of(caller).via(source.via()))
                                            : Uni.createFrom().item(List.<AccessToken>of()))
                                    .call(revoked -> recordAll(caller, user, events, source.via()))
                                    .map(revoked -> new Changed(user, revoked, c, l))));
                        }))
                .invoke(changed -> {
                    User user = changed.user();
                    state.putUser(toState(user));
                    revocation.publish(changed.revoked());
                    LOG.infof("Updated user %s (%s)%s%s", user.id, user.username, source.via(),
                            changed.revoked().isEmpty() ? "" : ", revoked " + changed.revoked().size() + " tokens");
                })
                // published first: a revocation must not wait on the mail server
                .call(changed -> confirmations.send(changed.link()));
    }

    /** A source that may only keep or take away the roles patgate honours asks for {@code roles} on {@code user}. */
    private static void requireNoNewHonouredRoles(User user, Set<String> roles) {
        List<String> held = Arrays.asList(user.roles);
        for (String role : roles) {
            if (Permissions.HONOURED.contains(role) && !held.contains(role)) {
                throw Refusal.forbidden("The role '" + role + "' is granted only by an admin in patgate, not by provisioning");
            }
        }
    }

    public Uni<Void> delete(Caller caller, UUID id) {
        return delete(caller, id, Change.BY_ADMIN);
    }

    /** Deletes a person's account that {@code source} reaches: every session and token of it stops at once, on every replica. */
    Uni<Void> delete(Caller caller, UUID id, Change.Source source) {
        return transactions.write(() -> users.findLivePersonForUpdate(id)
                        .chain(found -> {
                            User user = require(found == null || !source.reaches().test(found) ? null : found);
                            Uni<Void> guard = isEnabledAdmin(user) ? lastAdminGuard(user.id) : Uni.createFrom().voidItem();
                            return guard.chain(() -> {
                                // kept, marked deleted, so its tokens stay listed as revoked with reason user-deleted
                                user.deletedAt = now();
                                user.updatedAt = user.deletedAt;
                                return revocation.revokeAllOf(user, RevokeReason.USER_DELETED, TokenRevocation.By.of(caller).via(source.via()));
                            }).call(revoked -> managers.removePerson(user.id).chain(managed -> audit.record(AuditService.actor(caller),
                                            AuditAction.USER_DELETED, user.id, user.username, null,
                                            // the service accounts they managed stay, with their tokens
                                            (managed.isEmpty() ? "" : "no longer manages service accounts " + managed) + source.via())))
                                    .map(revoked -> new Changed(user, revoked));
                        }))
                .invoke(deleted -> {
                    revocation.publish(deleted.revoked());
                    state.removeUser(deleted.user().id);
                    LOG.infof("Deleted user %s (%s)%s, revoked %d tokens", deleted.user().id, deleted.user().username, source.via(),
                            deleted.revoked().size());
                })
                .replaceWithVoid();
    }

    /** An address as stored: trimmed, null for none. */
    static String email(String requested) {
        return requested == null || requested.isBlank() ? null : requested.trim();
    }

    private Uni<Void> recordAll(Caller caller, User user, List<Event> events, String via) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Event e : events) {
            chain = chain.chain(() -> audit.record(AuditService.actor(caller), e.action(), user.id, user.username, null, e.detail() + via));
        }
        return chain;
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

    static UserRequests.UserView view(User user, boolean emailConfirmed) {
        return new UserRequests.UserView(user.id, user.username, List.of(user.roles), user.disabled, user.createdAt, user.email,
                user.email != null && emailConfirmed, user.origin);
    }
}
