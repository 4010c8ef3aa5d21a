package io.patgate.account;

import static io.patgate.account.UserService.email;
import static io.patgate.account.UserService.now;
import static io.patgate.account.UserService.require;
import static io.patgate.account.UserService.toState;

import io.patgate.account.UserService.Change;
import io.patgate.account.UserService.Changed;
import io.patgate.account.UserService.Event;
import io.patgate.audit.AuditService;
import io.patgate.domain.AuditAction;
import io.patgate.domain.Permissions;
import io.patgate.domain.Refusal;
import io.patgate.domain.RevokeReason;
import io.patgate.identity.Caller;
import io.patgate.identity.IdentityState;
import io.patgate.revocation.TokenRevocation;
import io.patgate.store.AccessToken;
import io.patgate.store.ServiceAccountManagerRepository;
import io.patgate.store.Transactions;
import io.patgate.store.User;
import io.patgate.store.UserRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The changes to a person's account that end sessions or revoke tokens, for {@link UserService} (the admin API) and
 * {@link Provisioning} (SCIM): committed first, audited in the same transaction, then published to the in-memory
 * {@link IdentityState}; nobody can remove the last enabled admin.
 */
@ApplicationScoped
public class UserChanges {

    private static final Logger LOG = Logger.getLogger(UserChanges.class);

    private final UserRepository users;
    private final Transactions transactions;
    private final AuditService audit;
    private final IdentityState state;
    private final TokenRevocation revocation;
    private final EmailConfirmations confirmations;
    private final ServiceAccountManagerRepository managers;

    public UserChanges(
            UserRepository users,
            Transactions transactions,
            AuditService audit,
            IdentityState state,
            TokenRevocation revocation,
            EmailConfirmations confirmations,
            ServiceAccountManagerRepository managers) {
        this.users = users;
        this.transactions = transactions;
        this.audit = audit;
        this.state = state;
        this.revocation = revocation;
        this.confirmations = confirmations;
        this.managers = managers;
    }

    /** {@link Change}, committed and then published to the in-memory state of every replica. */
    Uni<Changed> change(Caller caller, UUID id, Change request) {
        Change.Source source = request.source();
        Set<String> roles = request.roles();
        String hash = request.passwordHash();
        return transactions
                .write(() -> users.findLivePersonForUpdate(id).chain(found -> {
                    User user = require(found == null || !source.reaches().test(found) ? null : found);
                    if (source.grantsOnlyOrdinary() && roles != null) {
                        requireNoNewHonouredRoles(user, roles);
                    }
                    boolean wasAdmin = isEnabledAdmin(user);
                    boolean disabling = Boolean.TRUE.equals(request.disabled()) && !user.disabled;
                    List<Event> events = new java.util.ArrayList<>();
                    if (roles != null && !roles.equals(new TreeSet<>(Arrays.asList(user.roles)))) {
                        events.add(new Event(
                                AuditAction.USER_ROLES_CHANGED,
                                new TreeSet<>(Arrays.asList(user.roles)) + " -> " + roles));
                    }
                    if (request.disabled() != null && request.disabled() != user.disabled) {
                        events.add(new Event(
                                request.disabled() ? AuditAction.USER_DISABLED : AuditAction.USER_ENABLED, ""));
                    }
                    if (hash != null) {
                        events.add(new Event(AuditAction.USER_PASSWORD_CHANGED, ""));
                    }
                    String email = email(request.email());
                    boolean emailChanged = request.email() != null && !java.util.Objects.equals(email, user.email);
                    if (emailChanged) {
                        events.add(new Event(
                                AuditAction.USER_EMAIL_CHANGED, email == null ? "removed" : "set, unconfirmed"));
                        user.email = email;
                    }
                    String externalId =
                            request.externalId() == null || request.externalId().isEmpty()
                                    ? null
                                    : request.externalId();
                    if (request.externalId() != null && !java.util.Objects.equals(externalId, user.scimExternalId)) {
                        events.add(new Event(
                                AuditAction.USER_EXTERNAL_ID_CHANGED,
                                externalId == null ? "removed" : "set to " + externalId));
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
                    Uni<Void> guard = wasAdmin && !isEnabledAdmin(user)
                            ? lastAdminGuard(user.id)
                            : Uni.createFrom().voidItem();
                    // a new address is unconfirmed, and gets its link (counted against the daily limits) in this
                    // transaction;
                    // one SCIM provisions is never mailed until the person asks for a link from their profile
                    Uni<EmailConfirmations.Link> link = emailChanged && source.mailsConfirmation()
                            ? confirmations.addressChanged(user)
                            : Uni.createFrom().nullItem();
                    Uni<Boolean> confirmed = emailChanged
                            ? Uni.createFrom().item(false)
                            : confirmations.of(user.id).map(c -> c != null && c.confirms(user.email));
                    return guard.chain(() -> link)
                            .chain(l -> confirmed.chain(c -> (disabling
                                            ? revocation.revokeAllOf(
                                                    user,
                                                    RevokeReason.USER_DISABLED,
                                                    TokenRevocation.By.of(caller)
                                                            .via(source.via()))
                                            : Uni.createFrom().item(List.<AccessToken>of()))
                                    .call(revoked -> recordAll(caller, user, events, source.via()))
                                    .map(revoked -> new Changed(user, revoked, c, l))));
                }))
                .invoke(changed -> {
                    User user = changed.user();
                    state.putUser(toState(user));
                    revocation.publish(changed.revoked());
                    LOG.infof(
                            "Updated user %s (%s)%s%s",
                            user.id,
                            user.username,
                            source.via(),
                            changed.revoked().isEmpty()
                                    ? ""
                                    : ", revoked " + changed.revoked().size() + " tokens");
                })
                // published first: a revocation must not wait on the mail server
                .call(changed -> confirmations.send(changed.link()));
    }

    /** A source that may only keep or take away the roles patgate honours asks for {@code roles} on {@code user}. */
    private static void requireNoNewHonouredRoles(User user, Set<String> roles) {
        List<String> held = Arrays.asList(user.roles);
        for (String role : roles) {
            if (Permissions.HONOURED.contains(role) && !held.contains(role)) {
                throw Refusal.forbidden(
                        "The role '" + role + "' is granted only by an admin in patgate, not by provisioning");
            }
        }
    }

    /** Deletes a person's account that {@code source} reaches: every session and token of it stops at once, on every replica. */
    Uni<Void> delete(Caller caller, UUID id, Change.Source source) {
        return transactions
                .write(() -> users.findLivePersonForUpdate(id).chain(found -> {
                    User user = require(found == null || !source.reaches().test(found) ? null : found);
                    Uni<Void> guard = isEnabledAdmin(user)
                            ? lastAdminGuard(user.id)
                            : Uni.createFrom().voidItem();
                    return guard.chain(() -> {
                                // kept, marked deleted, so its tokens stay listed as revoked with reason user-deleted
                                user.deletedAt = now();
                                user.updatedAt = user.deletedAt;
                                return revocation.revokeAllOf(
                                        user,
                                        RevokeReason.USER_DELETED,
                                        TokenRevocation.By.of(caller).via(source.via()));
                            })
                            .call(revoked -> managers.removePerson(user.id)
                                    .chain(managed -> audit.record(
                                            AuditService.actor(caller),
                                            AuditAction.USER_DELETED,
                                            user.id,
                                            user.username,
                                            null,
                                            // the service accounts they managed stay, with their tokens
                                            (managed.isEmpty() ? "" : "no longer manages service accounts " + managed)
                                                    + source.via())))
                            .map(revoked -> new Changed(user, revoked));
                }))
                .invoke(deleted -> {
                    revocation.publish(deleted.revoked());
                    state.removeUser(deleted.user().id);
                    LOG.infof(
                            "Deleted user %s (%s)%s, revoked %d tokens",
                            deleted.user().id,
                            deleted.user().username,
                            source.via(),
                            deleted.revoked().size());
                })
                .replaceWithVoid();
    }

    private Uni<Void> recordAll(Caller caller, User user, List<Event> events, String via) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Event e : events) {
            chain = chain.chain(() -> audit.record(
                    AuditService.actor(caller), e.action(), user.id, user.username, null, e.detail() + via));
        }
        return chain;
    }

    /** Nobody can remove the last enabled admin: that would lock everyone out of account management. */
    private Uni<Void> lastAdminGuard(UUID userId) {
        // serialised across requests and replicas: two admins demoting each other cannot both pass
        return users.lockAdminChanges()
                .chain(() -> users.countOtherEnabledAdmins(userId))
                .invoke(others -> {
                    if (others == 0) {
                        throw Refusal.conflict("This is the last enabled admin; promote another user first");
                    }
                })
                .replaceWithVoid();
    }

    private static boolean isEnabledAdmin(User user) {
        return !user.disabled && Arrays.asList(user.roles).contains(Permissions.ADMIN);
    }
}
