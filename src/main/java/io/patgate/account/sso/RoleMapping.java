package io.patgate.account.sso;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The provider's groups to patgate roles ({@code patgate.oidc.role-mapping}, {@code group=role,...}): a mapped group
 * becomes its role, any other group a role of its own name. Names that cannot be roles (Keycloak's {@code /a/b} paths
 * when unmapped, spaces) and the reserved {@code tokens} are left out, never an error: a sign-in is not refused for a
 * group patgate has no use for.
 */
public final class RoleMapping {

    private static final Pattern ROLE = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9:._-]{0,63}$");
    private static final String RESERVED = "tokens";

    private final Map<String, String> mapped;

    private RoleMapping(Map<String, String> mapped) {
        this.mapped = mapped;
    }

    /** Parses {@code group=role,...}; the last '=' of an entry separates the group (which may hold '=') from the role. */
    public static RoleMapping parse(String spec) {
        Map<String, String> mapped = new TreeMap<>();
        if (spec != null) {
            for (String entry : spec.split(",")) {
                String e = entry.trim();
                if (e.isEmpty()) {
                    continue;
                }
                int eq = e.lastIndexOf('=');
                if (eq <= 0 || eq == e.length() - 1) {
                    throw new IllegalArgumentException("patgate.oidc.role-mapping: '" + e + "' is not group=role");
                }
                String role = e.substring(eq + 1).trim();
                if (!ROLE.matcher(role).matches() || RESERVED.equals(role)) {
                    throw new IllegalArgumentException("patgate.oidc.role-mapping: '" + role + "' cannot be a role");
                }
                mapped.put(e.substring(0, eq).trim(), role);
            }
        }
        return new RoleMapping(Map.copyOf(mapped));
    }

    /** The roles these groups give, sorted. */
    public Set<String> roles(Collection<String> groups) {
        Set<String> roles = new TreeSet<>();
        for (String group : groups) {
            String role = mapped.getOrDefault(group, group);
            if (role != null && ROLE.matcher(role).matches() && !RESERVED.equals(role)) {
                roles.add(role);
            }
        }
        return roles;
    }

    /** The groups (a list of strings, or one string) in a claim's value; none for anything else. */
    public static List<String> groups(Object claim) {
        if (claim instanceof String one) {
            return List.of(one);
        }
        if (claim instanceof Collection<?> many) {
            return many.stream()
                    .filter(String.class::isInstance)
                    .map(String.class::cast)
                    .toList();
        }
        return List.of();
    }
}
