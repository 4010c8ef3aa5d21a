package io.patgate.account;

import io.patgate.audit.AuditService;
import io.patgate.domain.AuditAction;
import io.patgate.domain.Permissions;
import io.patgate.domain.Refusal;
import io.patgate.identity.Caller;
import io.patgate.identity.IdentityState;
import io.patgate.store.Constraints;
import io.patgate.store.ProvisionedUserRepository;
import io.patgate.store.Transactions;
import io.patgate.store.User;
import io.patgate.store.UserRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Accounts as the identity provider's SCIM client provisions them: created with origin {@code scim} and no usable
 * password, changed, disabled and deleted through the same paths as an admin's changes ({@link UserService#change},
 * {@link UserService#delete}), so disabling or deleting ends every session and token of the person at once, on every
 * replica, and a later reactivation brings none of them back. It reaches people's accounts of any origin (a taken
 * userName is a conflict; the provider then finds the account by filter and manages it); a service account is 404 here.
 * It never grants the roles patgate honours ({@link Permissions#HONOURED}) and never sets a password.
 */
@ApplicationScoped
public class Provisioning {

    private static final Logger LOG = Logger.getLogger(Provisioning.class);

    /** The password hash of a provisioned account: no PHC string, so no password ever matches it (it signs in through OIDC). */
    public static final String NO_PASSWORD = "!provisioned";

    /** SCIM userNames are often email addresses: the username rule of the admin API plus '@' and '+'. */
    private static final Pattern USERNAME = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}$");

    private static final Pattern ROLE = Pattern.compile(UserRequests.ROLE);
    private static final Pattern EMAIL = Pattern.compile(UserRequests.EMAIL);
    private static final int MAX_ROLES = 50;
    private static final int MAX_EXTERNAL_ID = 255;

    private static final UserService.Change.Source SCIM =
            new UserService.Change.Source(ProvisionedUserRepository::reaches, false, true, " (via SCIM)");

    /** A provisioned account, as SCIM shows it. {@code version} is the row version (the resource's ETag). */
    public record Account(
            UUID id,
            String username,
            String externalId,
            String email,
            List<String> roles,
            boolean active,
            Instant createdAt,
            Instant updatedAt,
            long version,
            String origin) {}

    /** What a SCIM create asks for. */
    public record NewAccount(String username, String externalId, String email, List<String> roles, boolean active) {}

    /** What a SCIM replace or patch asks for; null fields stay as they are, "" removes an externalId or an email. */
    public record Update(String externalId, String email, List<String> roles, Boolean active) {}

    public record Page(List<Account> accounts, long total) {}

    private final UserRepository users;
    private final ProvisionedUserRepository provisioned;
    private final UserService userService;
    private final Transactions transactions;
    private final AuditService audit;
    private final IdentityState state;

    public Provisioning(
            UserRepository users,
            ProvisionedUserRepository provisioned,
            UserService userService,
            Transactions transactions,
            AuditService audit,
            IdentityState state) {
        this.users = users;
        this.provisioned = provisioned;
        this.userService = userService;
        this.transactions = transactions;
        this.audit = audit;
        this.state = state;
    }

    /** Creates the account; a name any live account has (local, provisioned or a service account) is a conflict. */
    public Uni<Account> create(Caller caller, NewAccount request) {
        String username = username(request.username());
        Set<String> roles = roles(request.roles());
        for (String role : roles) {
            if (Permissions.HONOURED.contains(role)) {
                throw Refusal.forbidden(
                        "The role '" + role + "' is granted only by an admin in patgate, not by provisioning");
            }
        }
        String email = email(request.email());
        String externalId = externalId(request.externalId());
        return transactions
                .write(() -> users.findByUsername(username).chain(existing -> {
                    if (existing != null) {
                        throw taken(username);
                    }
                    User user = new User();
                    user.id = UUID.randomUUID();
                    user.username = username;
                    user.passwordHash = NO_PASSWORD;
                    user.roles = roles.toArray(String[]::new);
                    user.disabled = !request.active();
                    user.origin = User.SCIM;
                    user.scimExternalId = externalId == null || externalId.isEmpty() ? null : externalId;
                    // kept unconfirmed and never mailed until the person asks for a link from their profile (issue 25)
                    user.email = email == null || email.isEmpty() ? null : email;
                    user.createdAt = UserService.now();
                    user.updatedAt = user.createdAt;
                    return users.persist(user)
                            .call(created -> audit.record(
                                    AuditService.actor(caller),
                                    AuditAction.USER_CREATED,
                                    created.id,
                                    created.username,
                                    null,
                                    "roles " + roles + (created.disabled ? ", disabled" : "") + SCIM.via()));
                }))
                .onFailure(Constraints::isUniqueViolation)
                .transform(e -> taken(username))
                .invoke(user -> {
                    state.putUser(UserService.toState(user));
                    LOG.infof("Provisioned user %s (%s) via SCIM", user.id, user.username);
                })
                .map(Provisioning::account);
    }

    public Uni<Account> get(UUID id) {
        return transactions.read(() -> provisioned.findReached(id)).map(found -> account(UserService.require(found)));
    }

    /** Oldest first, {@code count} accounts from the 0-based {@code offset}, with the total that matches. */
    public Uni<Page> list(ProvisionedUserRepository.Filter filter, int offset, int count) {
        return transactions.read(() -> provisioned
                .count(filter)
                .chain(total -> count == 0
                        ? Uni.createFrom().item(new Page(List.of(), total))
                        : provisioned
                                .page(filter, offset, count)
                                .map(list -> new Page(
                                        list.stream().map(Provisioning::account).toList(), total))));
    }

    /** Changes the account; {@code active:false} disables it, revoking every token and ending every session. */
    public Uni<Account> update(Caller caller, UUID id, Update request) {
        Set<String> roles = request.roles() == null ? null : roles(request.roles());
        String email = email(request.email());
        String externalId = externalId(request.externalId());
        Boolean disabled = request.active() == null ? null : !request.active();
        return userService
                .change(caller, id, new UserService.Change(roles, disabled, null, email, externalId, SCIM))
                .map(changed -> account(changed.user()));
    }

    /** Deletes the account: every session and token of it stops at once. */
    public Uni<Void> delete(Caller caller, UUID id) {
        return userService.delete(caller, id, SCIM);
    }

    private static Refusal taken(String username) {
        return Refusal.conflict("An account named '" + username + "' already exists");
    }

    private static String username(String requested) {
        if (requested == null || requested.isBlank()) {
            throw Refusal.invalid("userName", "is required");
        }
        String username = requested.trim();
        if (!USERNAME.matcher(username).matches()) {
            throw Refusal.invalid(
                    "userName", "1-64 letters, digits, '.', '_', '-', '@' or '+', starting with a letter or digit");
        }
        if (UserService.RESERVED_NAMES.contains(username.toLowerCase(Locale.ROOT))) {
            throw Refusal.invalid("userName", "'" + username + "' is reserved");
        }
        return username;
    }

    private static Set<String> roles(List<String> requested) {
        if (requested != null && requested.size() > MAX_ROLES) {
            throw Refusal.invalid("roles", "at most " + MAX_ROLES);
        }
        for (String role : requested == null ? List.<String>of() : requested) {
            if (role == null || !ROLE.matcher(role).matches()) {
                throw Refusal.invalid("roles", "'" + role + "': " + UserRequests.ROLE_MESSAGE);
            }
        }
        return UserService.roles(requested);
    }

    /** The address as stored: null unchanged, "" none, else a checked address. */
    private static String email(String requested) {
        if (requested == null || requested.isBlank()) {
            return requested == null ? null : "";
        }
        String email = requested.trim();
        if (email.length() > 254 || !EMAIL.matcher(email).matches()) {
            throw Refusal.invalid("emails", UserRequests.EMAIL_MESSAGE);
        }
        return email;
    }

    private static String externalId(String requested) {
        if (requested == null) {
            return null;
        }
        if (requested.length() > MAX_EXTERNAL_ID || requested.codePoints().anyMatch(Character::isISOControl)) {
            throw Refusal.invalid("externalId", "at most " + MAX_EXTERNAL_ID + " characters, no control characters");
        }
        return requested;
    }

    private static Account account(User user) {
        return new Account(
                user.id,
                user.username,
                user.scimExternalId,
                user.email,
                List.of(user.roles),
                !user.disabled,
                user.createdAt,
                user.updatedAt,
                user.rowVersion,
                user.origin);
    }
}
