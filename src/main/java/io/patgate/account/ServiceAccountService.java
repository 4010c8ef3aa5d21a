package io.patgate.account;

import static io.patgate.account.ServiceAccountAccess.isAdmin;
import static io.patgate.account.ServiceAccountAccess.requireAdmin;
import static io.patgate.account.ServiceAccountAccess.requireReader;
import static io.patgate.account.ServiceAccountAccess.requireSession;

import io.patgate.audit.AuditService;
import io.patgate.domain.AuditAction;
import io.patgate.domain.Paged;
import io.patgate.domain.RevokeReason;
import io.patgate.identity.Caller;
import io.patgate.identity.IdentityState;
import io.patgate.identity.TrustState;
import io.patgate.revocation.TokenRevocation;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Service accounts: accounts no person signs in as, whose tokens belong to them, so a pipeline survives whoever made
 * it leaving. Admins create them and set their roles and managers; managers (people) see theirs and manage their
 * tokens and trust; anyone else is told an account does not exist. Writes need a signed-in session: a stolen CI token
 * must not widen what it, or the account behind it, may do. Every change is audited in its own transaction and
 * published to memory after the commit, like {@link UserService}'s. Who may do what is {@link ServiceAccountAccess}'s, trust
 * entries are {@link ServiceAccountTrust}'s, naming and replacing managers {@link ServiceAccountManagers}'s, what a name,
 * roles and a description may be {@link ServiceAccountRules}'s.
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
    private final ServiceAccountAccess access;
    private final ServiceAccountManagers accountManagers;

    public ServiceAccountService(
            UserRepository users,
            ServiceAccountManagerRepository managers,
            TrustEntryRepository trusts,
            Transactions transactions,
            AuditService audit,
            IdentityState state,
            TrustState trustState,
            TokenRevocation revocation,
            ServiceAccountAccess access,
            ServiceAccountManagers accountManagers) {
        this.users = users;
        this.managers = managers;
        this.trusts = trusts;
        this.transactions = transactions;
        this.audit = audit;
        this.state = state;
        this.trustState = trustState;
        this.revocation = revocation;
        this.access = access;
        this.accountManagers = accountManagers;
    }

    /** An account after a change: the tokens the change revoked and the trust entries it removed, to publish. */
    private record Changed(User account, List<AccessToken> revoked, List<TrustEntry> untrusted) {}

    // ---- the accounts ----

    public Uni<ServiceAccountRequests.View> create(Caller caller, ServiceAccountRequests.Create request) {
        requireSession(caller, "Creating a service account");
        requireAdmin(caller, "Creating a service account");
        String name = ServiceAccountRules.name(request.name());
        Set<String> roles = ServiceAccountRules.roles(request.roles());
        String description = ServiceAccountRules.description(request.description());
        Instant now = UserService.now();
        return transactions
                .write(() -> users.findByUsername(name)
                        .chain(existing -> {
                            if (existing != null) {
                                throw existing.isService()
                                        ? ServiceAccountRules.duplicate(name)
                                        : ServiceAccountRules.personDuplicate(name);
                            }
                            return accountManagers.people(request.managers());
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
                            List<ServiceAccountManager> rows = people.stream()
                                    .map(p -> ServiceAccountManager.of(account.id, p.id, now))
                                    .toList();
                            return users.persist(account)
                                    .call(() ->
                                            rows.isEmpty() ? Uni.createFrom().voidItem() : managers.persist(rows))
                                    .call(() -> audit.record(
                                            AuditService.actor(caller),
                                            AuditAction.SERVICE_ACCOUNT_CREATED,
                                            account.id,
                                            account.username,
                                            null,
                                            "roles " + roles + ", managers " + ServiceAccountManagers.names(people)))
                                    .map(ignored -> account);
                        }))
                .onFailure(Constraints::isUniqueViolation)
                .transform(e -> ServiceAccountRules.duplicate(name))
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
                        .chain(accounts -> managers.usernamesOf(
                                        accounts.stream().map(a -> a.id).toList())
                                .map(names -> new Paged<>(
                                        accounts.stream()
                                                .map(a -> view(a, names.getOrDefault(a.id, List.of())))
                                                .toList(),
                                        total)))));
    }

    public Uni<ServiceAccountRequests.View> get(Caller caller, UUID id) {
        requireReader(caller);
        return transactions.read(
                () -> access.requireManageable(caller, id, false).chain(this::view));
    }

    public Uni<ServiceAccountRequests.View> update(Caller caller, UUID id, ServiceAccountRequests.Update request) {
        requireSession(caller, "Changing a service account");
        if (request.roles() != null || request.managers() != null) {
            requireAdmin(caller, "Changing a service account's roles or managers");
        }
        Set<String> roles = request.roles() == null ? null : ServiceAccountRules.roles(request.roles());
        Instant now = UserService.now();
        return transactions
                .write(() -> access.requireManageable(caller, id, true).chain(account -> {
                    List<UserService.Event> events = new ArrayList<>();
                    Set<String> before = new TreeSet<>(Arrays.asList(account.roles));
                    if (roles != null && !roles.equals(before)) {
                        events.add(new UserService.Event(
                                AuditAction.SERVICE_ACCOUNT_ROLES_CHANGED, before + " -> " + roles));
                        account.roles = roles.toArray(String[]::new);
                    }
                    if (request.description() != null) {
                        String description = ServiceAccountRules.description(request.description());
                        if (!Objects.equals(description, account.description)) {
                            events.add(new UserService.Event(AuditAction.SERVICE_ACCOUNT_DESCRIPTION_CHANGED, ""));
                            account.description = description;
                        }
                    }
                    boolean disabling = Boolean.TRUE.equals(request.disabled()) && !account.disabled;
                    if (request.disabled() != null && request.disabled() != account.disabled) {
                        events.add(new UserService.Event(
                                request.disabled()
                                        ? AuditAction.SERVICE_ACCOUNT_DISABLED
                                        : AuditAction.SERVICE_ACCOUNT_ENABLED,
                                ""));
                        account.disabled = request.disabled();
                    }
                    account.updatedAt = now;
                    Uni<Void> managed = request.managers() == null
                            ? Uni.createFrom().voidItem()
                            : accountManagers.replace(account, request.managers(), now, events);
                    return managed
                            // disabling revokes every token of the account, as for a person (enabling does not bring
                            // them back)
                            .chain(() -> disabling
                                    ? revocation.revokeAllOf(
                                            account, RevokeReason.USER_DISABLED, TokenRevocation.By.of(caller))
                                    : Uni.createFrom().item(List.<AccessToken>of()))
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
        return transactions
                .write(() -> access.requireManageable(caller, id, true).chain(account -> {
                    // kept, marked deleted, so its tokens stay listed as revoked with reason user-deleted
                    account.deletedAt = now;
                    account.updatedAt = now;
                    return revocation
                            .revokeAllOf(account, RevokeReason.USER_DELETED, TokenRevocation.By.of(caller))
                            .chain(revoked -> trusts.removeAllOf(account.id, now)
                                    .map(untrusted -> new Changed(account, revoked, untrusted)))
                            .call(changed -> audit.record(
                                    AuditService.actor(caller),
                                    AuditAction.SERVICE_ACCOUNT_DELETED,
                                    account.id,
                                    account.username,
                                    null,
                                    changed.revoked().size() + " tokens revoked, "
                                            + changed.untrusted().size() + " trust entries removed"));
                }))
                .invoke(changed -> {
                    revocation.publish(changed.revoked());
                    changed.untrusted().forEach(t -> trustState.apply(TrustRows.state(t)));
                    state.removeUser(changed.account().id);
                    LOG.infof(
                            "Deleted service account %s (%s), revoked %d tokens",
                            changed.account().id,
                            changed.account().username,
                            changed.revoked().size());
                })
                .replaceWithVoid();
    }

    private void publish(Changed changed) {
        state.putUser(UserService.toState(changed.account()));
        revocation.publish(changed.revoked());
        LOG.infof(
                "Updated service account %s (%s)%s",
                changed.account().id,
                changed.account().username,
                changed.revoked().isEmpty()
                        ? ""
                        : ", revoked " + changed.revoked().size() + " tokens");
    }

    private Uni<Void> recordAll(Caller caller, User account, List<UserService.Event> events) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (UserService.Event e : events) {
            chain = chain.chain(() -> audit.record(
                    AuditService.actor(caller), e.action(), account.id, account.username, null, e.detail()));
        }
        return chain;
    }

    // ---- shapes ----

    private Uni<ServiceAccountRequests.View> view(User account) {
        return transactions
                .read(() -> managers.usernamesOf(List.of(account.id)))
                .map(names -> view(account, names.getOrDefault(account.id, List.of())));
    }

    private static ServiceAccountRequests.View view(User account, List<String> managerNames) {
        return new ServiceAccountRequests.View(
                account.id,
                account.username,
                account.description,
                Arrays.stream(account.roles).sorted().toList(),
                managerNames,
                account.disabled,
                account.createdAt);
    }
}
