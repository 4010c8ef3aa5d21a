package io.patgate.account;

import io.patgate.domain.AuditAction;
import io.patgate.audit.AuditService;
import io.patgate.config.PatgateConfig;
import io.patgate.domain.Permissions;
import io.patgate.domain.Refusal;
import io.patgate.domain.RevokeReason;
import io.patgate.revocation.TokenRevocation;
import io.patgate.domain.Paged;
import io.patgate.identity.Caller;
import io.patgate.identity.IdentityState;
import io.patgate.identity.PatgateIdentityProvider;
import io.patgate.identity.TrustState;
import io.patgate.store.AccessToken;
import io.patgate.store.Constraints;
import io.patgate.store.ServiceAccountManager;
import io.patgate.store.ServiceAccountManagerRepository;
import io.patgate.store.Transactions;
import io.patgate.store.TrustEntry;
import io.patgate.store.TrustEntryRepository;
import io.patgate.store.TrustRows;
import io.patgate.store.User;
import io.patgate.store.UserRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Service accounts: accounts no person signs in as, whose tokens belong to them, so a pipeline survives whoever made
 * it leaving. Admins create them and set their roles and managers; managers (people) see theirs and manage their
 * tokens and trust; anyone else is told an account does not exist. Writes need a signed-in session: a stolen CI token
 * must not widen what it, or the account behind it, may do. Every change is audited in its own transaction and
 * published to memory after the commit, like {@link UserService}'s.
 */
@ApplicationScoped
public class ServiceAccountService {

    private static final Logger LOG = Logger.getLogger(ServiceAccountService.class);

    private final UserRepository users;
    private final ServiceAccountManagerRepository managers;
    private final TrustEntryRepository trusts;
    private final Transactions transactions;
    private final AuditService audit;
    private final IdentityState state;
    private final TrustState trustState;
    private final TokenRevocation revocation;
    private final boolean allowInsecureIssuers;

    public ServiceAccountService(UserRepository users, ServiceAccountManagerRepository managers, TrustEntryRepository trusts,
                                 Transactions transactions, AuditService audit, IdentityState state, TrustState trustState,
                                 TokenRevocation revocation, PatgateConfig config) {
        this.users = users;
        this.managers = managers;
        this.trusts = trusts;
        this.transactions = transactions;
        this.audit = audit;
        this.state = state;
        this.trustState = trustState;
        this.revocation = revocation;
        this.allowInsecureIssuers = config.oidc().allowInsecure();
    }

    /** An account after a change: the tokens the change revoked and the trust entries it removed, to publish. */
    private record Changed(User account, List<AccessToken> revoked, List<TrustEntry> untrusted) {
    }

    // ---- who may do what ----

    public static boolean isAdmin(Caller caller) {
        return PatgateIdentityProvider.effectiveRoles(caller).contains(Permissions.ADMIN);
    }

    /** Changes to service accounts, their tokens and their trust need a session: never a personal access token. */
    public static void requireSession(Caller caller, String what) {
        if (!caller.isSession()) {
            throw Refusal.forbidden(what + " needs a signed-in session, never a personal access token");
        }
    }

    /** Reading them: a session, an admin's token, or a token that may manage tokens (scope {@code tokens}). */
    private static void requireReader(Caller caller) {
        if (!caller.isSession() && !isAdmin(caller) && !caller.scopes().contains(Permissions.TOKENS)) {
            throw Refusal.forbidden("Reading service accounts needs a session or a token with scope '" + Permissions.TOKENS + "'");
        }
    }

    private static void requireAdmin(Caller caller, String what) {
        if (!isAdmin(caller)) {
            throw Refusal.forbidden(what + " is an admin's to do");
        }
    }

    /**
     * The live service account, when the caller is an admin or one of its managers; "not found" otherwise, whether it
     * exists or not. Run inside a transaction (or session); {@code lock} holds its row until the transaction ends.
     */
    public Uni<User> requireManageable(Caller caller, UUID id, boolean lock) {
        return (lock ? users.findLiveServiceForUpdate(id) : users.findLiveService(id)).chain(account -> {
            if (account == null) {
                throw notFound();
            }
            if (isAdmin(caller)) {
                return Uni.createFrom().item(account);
            }
            return managers.manages(caller.userId(), id).map(manages -> {
                if (!manages) {
                    throw notFound();
                }
                return account;
            });
        });
    }

    /** Whether the caller manages at least one service account (the web page offers the page then). */
    public Uni<Boolean> managesAny(Caller caller) {
        return transactions.read(() -> managers.managesAny(caller.userId()));
    }

    // ---- the accounts ----

    public Uni<ServiceAccountRequests.View> create(Caller caller, ServiceAccountRequests.Create request) {
        requireSession(caller, "Creating a service account");
        requireAdmin(caller, "Creating a service account");
        String name = request.name();
        if (UserService.RESERVED_NAMES.contains(name.toLowerCase(Locale.ROOT))) {
            throw Refusal.invalid("name", "'" + name + "' is reserved");
        }
        Set<String> roles = roles(request.roles());
        String description = description(request.description());
        Instant now = UserService.now();
        return transactions.write(() -> users.findByUsername(name)
                        .chain(existing -> {
                            if (existing != null) {
                                throw existing.isService() ? duplicate(name) : personDuplicate(name);
                            }
                            return people(request.managers());
                        })
                        .chain(people -> {
                            User account = new User();
                            account.id = UUID.randomUUID();
                            account.kind = User.SERVICE;
                            account.username = name;
                            account.passwordHash = User.NO_PASSWORD;
                            account.roles = roles.toArray(String[]::new);
                            account.description = description;
                            account.disabled = false;
                            account.emailNotices = new String[0];
                            account.createdAt = now;
                            account.updatedAt = now;
                            List<ServiceAccountManager> rows = people.stream().map(p -> ServiceAccountManager.of(account.id, p.id, now)).toList();
                            return users.persist(account)
                                    .call(() -> rows.isEmpty() ? Uni.createFrom().voidItem() : managers.persist(rows))
                                    .call(() -> audit.record(AuditService.actor(caller), AuditAction.SERVICE_ACCOUNT_CREATED, account.id, account.username, null,
                                            "roles " + roles + ", managers " + names(people)))
                                    .map(ignored -> account);
                        }))
                .onFailure(Constraints::isUniqueViolation).transform(e -> duplicate(name))
                .invoke(account -> {
                    state.putUser(UserService.toState(account));
                    LOG.infof("Created service account %s (%s)", account.id, account.username);
                })
                .chain(account -> view(account));
    }

    public Uni<Paged<ServiceAccountRequests.View>> list(Caller caller, int page, int size) {
        requireReader(caller);
        UUID managedBy = isAdmin(caller) ? null : caller.userId();
        return transactions.read(() -> users.countServiceAccounts(managedBy)
                .chain(total -> users.serviceAccountPage(managedBy, page, size)
                        .chain(accounts -> managers.usernamesOf(accounts.stream().map(a -> a.id).toList())
                                .map(names -> new Paged<>(accounts.stream().map(a -> view(a, names.getOrDefault(a.id, List.of()))).toList(), total)))));
    }

    public Uni<ServiceAccountRequests.View> get(Caller caller, UUID id) {
        requireReader(caller);
        return transactions.read(() -> requireManageable(caller, id, false).chain(this::view));
    }

    public Uni<ServiceAccountRequests.View> update(Caller caller, UUID id, ServiceAccountRequests.Update request) {
        requireSession(caller, "Changing a service account");
        if (request.roles() != null || request.managers() != null) {
            requireAdmin(caller, "Changing a service account's roles or managers");
        }
        Set<String> roles = request.roles() == null ? null : roles(request.roles());
        Instant now = UserService.now();
        return transactions.write(() -> requireManageable(caller, id, true).chain(account -> {
                    List<UserService.Event> events = new ArrayList<>();
                    Set<String> before = new TreeSet<>(Arrays.asList(account.roles));
                    if (roles != null && !roles.equals(before)) {
                        events.add(new UserService.Event(AuditAction.SERVICE_ACCOUNT_ROLES_CHANGED, before + " -> " + roles));
                        account.roles = roles.toArray(String[]::new);
                    }
                    if (request.description() != null) {
                        String description = description(request.description());
                        if (!Objects.equals(description, account.description)) {
                            events.add(new UserService.Event(AuditAction.SERVICE_ACCOUNT_DESCRIPTION_CHANGED, ""));
                            account.description = description;
                        }
                    }
                    boolean disabling = Boolean.TRUE.equals(request.disabled()) && !account.disabled;
                    if (request.disabled() != null && request.disabled() != account.disabled) {
                        events.add(new UserService.Event(request.disabled() ? AuditAction.SERVICE_ACCOUNT_DISABLED : AuditAction.SERVICE_ACCOUNT_ENABLED, ""));
                        account.disabled = request.disabled();
                    }
                    account.updatedAt = now;
                    Uni<Void> managed = request.managers() == null ? Uni.createFrom().voidItem() : replaceManagers(account, request.managers(), now, events);
                    return managed
                            // disabling revokes every token of the account, as for a person (enabling does not bring them back)
                            .chain(() -> disabling ? revocation.revokeAllOf(account, RevokeReason.USER_DISABLED, TokenRevocation.By.of(caller)) : Uni.createFrom().item(List.<AccessToken>of()))
                            .call(revoked -> recordAll(caller, account, events))
                            .map(revoked -> new Changed(account, revoked, List.of()));
                }))
                .invoke(this::publish)
                .chain(changed -> view(changed.account()));
    }

    public Uni<Void> delete(Caller caller, UUID id) {
        requireSession(caller, "Deleting a service account");
        requireAdmin(caller, "Deleting a service account");
        Instant now = UserService.now();
        return transactions.write(() -> requireManageable(caller, id, true).chain(account -> {
                    // kept, marked deleted, so its tokens stay listed as revoked with reason user-deleted
                    account.deletedAt = now;
                    account.updatedAt = now;
                    return revocation.revokeAllOf(account, RevokeReason.USER_DELETED, TokenRevocation.By.of(caller))
                            .chain(revoked -> trusts.removeAllOf(account.id, now).map(untrusted -> new Changed(account, revoked, untrusted)))
                            .call(changed -> audit.record(AuditService.actor(caller), AuditAction.SERVICE_ACCOUNT_DELETED, account.id, account.username, null,
                                    changed.revoked().size() + " tokens revoked, " + changed.untrusted().size() + " trust entries removed"));
                }))
                .invoke(changed -> {
                    revocation.publish(changed.revoked());
                    changed.untrusted().forEach(t -> trustState.apply(TrustRows.state(t)));
                    state.removeUser(changed.account().id);
                    LOG.infof("Deleted service account %s (%s), revoked %d tokens", changed.account().id, changed.account().username,
                            changed.revoked().size());
                })
                .replaceWithVoid();
    }

    private void publish(Changed changed) {
        state.putUser(UserService.toState(changed.account()));
        revocation.publish(changed.revoked());
        LOG.infof("Updated service account %s (%s)%s", changed.account().id, changed.account().username,
                changed.revoked().isEmpty() ? "" : ", revoked " + changed.revoked().size() + " tokens");
    }

    /** Sets the managers to the people named, recording who was added and who removed. */
    private Uni<Void> replaceManagers(User account, List<String> requested, Instant now, List<UserService.Event> events) {
        return people(requested).chain(people -> managers.of(account.id).chain(current -> {
            Set<UUID> wanted = new java.util.HashSet<>(people.stream().map(p -> p.id).toList());
            Set<UUID> held = new java.util.HashSet<>(current.stream().map(m -> m.managerId).toList());
            List<UUID> gone = held.stream().filter(m -> !wanted.contains(m)).toList();
            List<ServiceAccountManager> added = people.stream().filter(p -> !held.contains(p.id))
                    .map(p -> ServiceAccountManager.of(account.id, p.id, now)).toList();
            if (gone.isEmpty() && added.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            return users.usernames(held).chain(before -> {
                events.add(new UserService.Event(AuditAction.SERVICE_ACCOUNT_MANAGERS_CHANGED,
                        new TreeSet<>(before.values()) + " -> " + names(people)));
                return managers.remove(account.id, gone)
                        .chain(() -> added.isEmpty() ? Uni.createFrom().voidItem() : managers.persist(added));
            });
        }));
    }

    private Uni<Void> recordAll(Caller caller, User account, List<UserService.Event> events) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (UserService.Event e : events) {
            chain = chain.chain(() -> audit.record(AuditService.actor(caller), e.action(), account.id, account.username, null, e.detail()));
        }
        return chain;
    }

    /** The live people named, each once; an unknown name (or a service account's) is refused by its position. */
    private Uni<List<User>> people(List<String> usernames) {
        if (usernames == null || usernames.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return users.livePeopleNamed(usernames).map(found -> {
            Map<String, User> byName = new LinkedHashMap<>();
            found.forEach(u -> byName.put(u.username.toLowerCase(Locale.ROOT), u));
            Map<UUID, User> people = new LinkedHashMap<>();
            for (int i = 0; i < usernames.size(); i++) {
                User person = byName.get(usernames.get(i).toLowerCase(Locale.ROOT));
                if (person == null) {
                    throw Refusal.invalid("managers[" + i + "]", "'" + usernames.get(i) + "' is not the username of a person");
                }
                people.put(person.id, person);
            }
            return List.copyOf(people.values());
        });
    }

    private static TreeSet<String> names(List<User> people) {
        return new TreeSet<>(people.stream().map(p -> p.username).toList());
    }

    // ---- trust ----

    public Uni<ServiceAccountRequests.TrustView> addTrust(Caller caller, UUID id, ServiceAccountRequests.CreateTrust request) {
        requireSession(caller, "Changing a service account's trust");
        String issuer = TrustRules.issuer(request.issuer(), allowInsecureIssuers);
        String audience = TrustRules.audience(request.audience());
        String subject = TrustRules.subject(request.subject());
        Map<String, String> claims = TrustRules.claims(request.claims());
        TrustRules.requireBinding(subject, claims);
        int maxTtl = TrustRules.maxTtl(request.maxTtlSeconds());
        String jwks = TrustRules.jwks(request.jwks());
        Instant now = UserService.now();
        return transactions.write(() -> requireManageable(caller, id, true).chain(account -> trusts.countLiveOf(account.id).chain(held -> {
                    if (held >= TrustRules.MAX_PER_ACCOUNT) {
                        throw Refusal.limitReached("This service account has " + held + " trust entries, the most allowed; remove one first");
                    }
                    TrustEntry entry = new TrustEntry();
                    entry.id = UUID.randomUUID();
                    entry.accountId = account.id;
                    entry.issuer = issuer;
                    entry.audience = audience;
                    entry.subject = subject;
                    entry.claims = TrustRows.claimsJson(claims);
                    entry.maxTtlSeconds = maxTtl;
                    entry.jwks = jwks;
                    entry.createdAt = now;
                    entry.createdBy = AuditService.actor(caller);
                    return trusts.persist(entry).call(e -> audit.record(AuditService.actor(caller), AuditAction.SERVICE_ACCOUNT_TRUST_ADDED, account.id,
                            account.username, null, "trust " + e.id + ": issuer " + issuer + ", audience " + audience
                                    + (subject == null ? "" : ", subject " + subject) + (claims.isEmpty() ? "" : ", claims " + claims)
                                    + ", max " + maxTtl + " s, keys " + (jwks == null ? "from discovery" : "inline")));
                })))
                .invoke(entry -> {
                    trustState.apply(TrustRows.state(entry));
                    LOG.infof("Trust %s added to service account %s by %s", entry.id, entry.accountId, caller.userId());
                })
                .map(ServiceAccountService::trustView);
    }

    public Uni<List<ServiceAccountRequests.TrustView>> trust(Caller caller, UUID id) {
        requireSession(caller, "Reading a service account's trust");
        return transactions.read(() -> requireManageable(caller, id, false).chain(account -> trusts.liveOf(account.id)))
                .map(entries -> entries.stream().map(ServiceAccountService::trustView).toList());
    }

    public Uni<Void> removeTrust(Caller caller, UUID id, UUID trustId) {
        requireSession(caller, "Changing a service account's trust");
        Instant now = UserService.now();
        return transactions.write(() -> requireManageable(caller, id, true).chain(account -> trusts.findLiveForUpdate(account.id, trustId)
                        .chain(entry -> {
                            if (entry == null) {
                                throw Refusal.notFound("Trust entry");
                            }
                            entry.removedAt = now;
                            return audit.record(AuditService.actor(caller), AuditAction.SERVICE_ACCOUNT_TRUST_REMOVED, account.id, account.username, null,
                                    "trust " + entry.id + ": issuer " + entry.issuer + ", audience " + entry.audience).replaceWith(entry);
                        })))
                .invoke(entry -> {
                    trustState.apply(TrustRows.state(entry));
                    LOG.infof("Trust %s of service account %s removed by %s", entry.id, entry.accountId, caller.userId());
                })
                .replaceWithVoid();
    }

    private static ServiceAccountRequests.TrustView trustView(TrustEntry e) {
        return new ServiceAccountRequests.TrustView(e.id, e.issuer, e.audience, e.subject, TrustRows.claims(e.claims), e.maxTtlSeconds, e.jwks,
                e.createdAt, e.createdBy);
    }

    // ---- shapes ----

    private Uni<ServiceAccountRequests.View> view(User account) {
        return transactions.read(() -> managers.usernamesOf(List.of(account.id))).map(names -> view(account, names.getOrDefault(account.id, List.of())));
    }

    private static ServiceAccountRequests.View view(User account, List<String> managerNames) {
        return new ServiceAccountRequests.View(account.id, account.username, account.description,
                Arrays.stream(account.roles).sorted().toList(), managerNames, account.disabled, account.createdAt);
    }

    /**
     * A service account's roles: a person's rules, and never {@code admin}. Nobody signs in as the account, and its
     * managers, who need not be admins, mint its tokens: an admin role would make every manager an admin.
     */
    private static Set<String> roles(List<String> requested) {
        Set<String> roles = UserService.roles(requested);
        if (roles.contains(Permissions.ADMIN)) {
            throw Refusal.invalid("roles", "'" + Permissions.ADMIN + "' is not a service account's role: its managers, who mint its tokens, "
                    + "would all be admins");
        }
        return roles;
    }

    private static String description(String requested) {
        return requested == null || requested.isBlank() ? null : requested.strip();
    }

    private static Refusal notFound() {
        return Refusal.notFound("Service account");
    }

    static Refusal duplicate(String name) {
        return Refusal.conflict("A service account named '" + name + "' already exists");
    }

    private static Refusal personDuplicate(String name) {
        return Refusal.conflict("'" + name + "' is taken: a user has that name (service accounts and users share one namespace of names)");
    }
}
