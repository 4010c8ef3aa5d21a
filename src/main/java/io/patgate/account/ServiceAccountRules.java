package io.patgate.account;

import io.patgate.domain.Permissions;
import io.patgate.domain.Refusal;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a service account may be, with no database, for {@link ServiceAccountService}: a name that is not reserved
 * and that no other account, person or service, holds (service accounts and users share one namespace of names), a
 * person's roles but never {@code admin}, and an optional description. Each refusal names its field or says which
 * name is taken.
 */
final class ServiceAccountRules {

    private ServiceAccountRules() {}

    /** The name asked for, unless it is one of the reserved ones. */
    static String name(String requested) {
        if (UserService.RESERVED_NAMES.contains(requested.toLowerCase(Locale.ROOT))) {
            throw Refusal.invalid("name", "'" + requested + "' is reserved");
        }
        return requested;
    }

    /**
     * A service account's roles: a person's rules, and never {@code admin}. Nobody signs in as the account, and its
     * managers, who need not be admins, mint its tokens: an admin role would make every manager an admin.
     */
    static Set<String> roles(List<String> requested) {
        Set<String> roles = UserService.roles(requested);
        if (roles.contains(Permissions.ADMIN)) {
            throw Refusal.invalid(
                    "roles",
                    "'" + Permissions.ADMIN + "' is not a service account's role: its managers, who mint its tokens, "
                            + "would all be admins");
        }
        return roles;
    }

    /** The description stripped; none when it is blank. */
    static String description(String requested) {
        return requested == null || requested.isBlank() ? null : requested.strip();
    }

    /** The name is another service account's. */
    static Refusal duplicate(String name) {
        return Refusal.conflict("A service account named '" + name + "' already exists");
    }

    /** The name is a person's. */
    static Refusal personDuplicate(String name) {
        return Refusal.conflict("'" + name
                + "' is taken: a user has that name (service accounts and users share one namespace of names)");
    }
}
