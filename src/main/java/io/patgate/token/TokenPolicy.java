package io.patgate.token;

import io.patgate.config.TokensConfig;
import io.patgate.domain.Cidr;
import io.patgate.domain.Permissions;
import io.patgate.domain.Refusal;
import io.patgate.identity.Caller;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The rules a token must satisfy, with no database and no framework: what a name, a description, an
 * expiry, scopes and networks may be, and how far a caller may go in granting them. A token never
 * grants more than its maker holds: not scopes, not time, not networks. Time comes from the {@link Clock}
 * given, so every rule can be tested at any instant.
 */
public final class TokenPolicy {

    /** The configured limits ({@code patgate.tokens.*}). */
    public record Limits(Duration maxLifetime, Duration defaultLifetime, boolean allowNonExpiring, int maxPerUser) {

        public static Limits of(TokensConfig config) {
            return new Limits(
                    config.maxLifetime(), config.defaultLifetime(), config.allowNonExpiring(), config.maxPerUser());
        }
    }

    static final int MAX_NAME = 64;
    static final int MAX_DESCRIPTION = 256;
    private static final Duration MIN_LIFETIME = Duration.ofDays(1);
    /** Requests take time to travel; "at least one day" and "at most the maximum" tolerate this much of it. */
    private static final Duration SLACK = Duration.ofMinutes(5);

    private final Limits limits;
    private final Clock clock;

    public TokenPolicy(Limits limits, Clock clock) {
        this.limits = limits;
        this.clock = clock;
    }

    public Limits limits() {
        return limits;
    }

    /** Now, to the second (tokens carry seconds). */
    public Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.SECONDS);
    }

    /** Sessions manage tokens; a PAT needs the {@code tokens} scope. */
    public static void requireManager(Caller caller) {
        if (!caller.isSession() && !caller.scopes().contains(Permissions.TOKENS)) {
            throw Refusal.forbidden("Missing scope '" + Permissions.TOKENS + "': this token may not manage tokens");
        }
    }

    /** The active-token quota of one user. */
    public void requireBelowQuota(long active) {
        if (active >= limits.maxPerUser()) {
            throw Refusal.limitReached(
                    "You have " + active + " active tokens, the most allowed (patgate.tokens.max-per-user)");
        }
    }

    public static String name(String name) {
        if (name == null || name.isBlank()) {
            throw Refusal.invalid("name", "is required");
        }
        if (name.codePointCount(0, name.length()) > MAX_NAME) {
            throw Refusal.invalid("name", "must be at most " + MAX_NAME + " characters");
        }
        if (name.codePoints().anyMatch(Character::isISOControl)) {
            throw Refusal.invalid("name", "must not contain control characters");
        }
        return name;
    }

    public static String description(String description) {
        if (description != null && description.codePointCount(0, description.length()) > MAX_DESCRIPTION) {
            throw Refusal.invalid("description", "must be at most " + MAX_DESCRIPTION + " characters");
        }
        return description;
    }

    /**
     * When a new value expires, from at most one of {@code expiresAt}, {@code days} and {@code never} (none: the
     * default lifetime); null for never. A token made by a token never outlives it: with no expiry asked for, it
     * expires with its maker; asking for longer is refused.
     */
    public Instant expiry(Caller caller, Instant now, Instant expiresAt, Integer days, Boolean never) {
        int given = (expiresAt != null ? 1 : 0) + (days != null ? 1 : 0) + (Boolean.TRUE.equals(never) ? 1 : 0);
        if (given > 1) {
            throw Refusal.invalid("expiresAt", "give only one of expiresAt, expiresInDays and neverExpires");
        }
        Instant result;
        if (Boolean.TRUE.equals(never)) {
            if (!limits.allowNonExpiring()) {
                throw Refusal.invalid(
                        "neverExpires",
                        "tokens that never expire are not allowed here (patgate.tokens.allow-non-expiring)");
            }
            result = null;
        } else if (days != null) {
            long maxDays = limits.maxLifetime().toDays();
            if (days < 1 || days > maxDays) {
                throw Refusal.invalid("expiresInDays", "must be between 1 and " + maxDays);
            }
            result = now.plus(Duration.ofDays(days));
        } else if (expiresAt != null) {
            if (expiresAt.isBefore(now.plus(MIN_LIFETIME).minus(SLACK))) {
                throw Refusal.invalid("expiresAt", "must be at least one day from now");
            }
            if (expiresAt.isAfter(now.plus(limits.maxLifetime()).plus(SLACK))) {
                throw Refusal.invalid(
                        "expiresAt", "must be at most " + limits.maxLifetime().toDays() + " days from now");
            }
            result = expiresAt.truncatedTo(ChronoUnit.SECONDS);
        } else {
            result = now.plus(limits.defaultLifetime());
        }
        if (!caller.isSession()
                && caller.expiresAt() != null
                && (result == null || result.isAfter(caller.expiresAt()))) {
            if (given == 0) {
                return caller.expiresAt();
            }
            throw Refusal.forbidden(
                    "A token cannot create a token that outlives itself (it expires " + caller.expiresAt() + ")");
        }
        return result;
    }

    /**
     * When a value that a token's self-rotation mints expires: {@code days} from now (1 to the maximum lifetime) or the
     * default lifetime. Unlike a token making another token, the rotating token may outlive its current value: that is
     * what rotating is for, one bounded step at a time.
     */
    public Instant rotationExpiry(Instant now, Integer days) {
        if (days == null) {
            return now.plus(limits.defaultLifetime());
        }
        long maxDays = limits.maxLifetime().toDays();
        if (days < 1 || days > maxDays) {
            throw Refusal.invalid("expiresInDays", "must be between 1 and " + maxDays);
        }
        return now.plus(Duration.ofDays(days));
    }

    /**
     * The scopes of a service account's new token: those asked for, each among the account's roles (or {@code tokens});
     * none asked for: all of the account's roles. Its maker's own roles do not matter (a session of an admin or manager).
     */
    public static Set<String> accountScopes(Collection<String> accountRoles, List<String> requested) {
        if (requested == null) {
            return new TreeSet<>(accountRoles);
        }
        Set<String> wanted = new TreeSet<>(requested);
        Set<String> allowed = new TreeSet<>(accountRoles);
        allowed.add(Permissions.TOKENS);
        if (!allowed.containsAll(wanted)) {
            throw Refusal.invalid("scopes", "not among the service account's roles: " + missing(wanted, allowed));
        }
        return wanted;
    }

    /**
     * The scopes of a new token: those asked for, each among the caller's roles (or {@code tokens}), and for a
     * PAT caller among its own scopes; none asked for: the caller's roles (that a PAT caller holds as scopes).
     */
    public static Set<String> scopes(Caller caller, List<String> requested) {
        if (requested == null) {
            Set<String> defaults = new TreeSet<>(caller.roles());
            if (!caller.isSession()) {
                defaults.retainAll(caller.scopes());
            }
            return defaults;
        }
        return granted(caller, caller.roles(), requested, "not among your roles: ");
    }

    /** The scopes of an existing token being changed: among its owner's roles (and a PAT caller's scopes). */
    public static Set<String> scopesFor(Caller caller, Collection<String> ownerRoles, List<String> requested) {
        return granted(caller, ownerRoles, requested, "not among the owner's roles: ");
    }

    private static Set<String> granted(
            Caller caller, Collection<String> roles, List<String> requested, String notAmong) {
        Set<String> wanted = new TreeSet<>(requested);
        Set<String> allowed = new TreeSet<>(roles);
        allowed.add(Permissions.TOKENS);
        if (!allowed.containsAll(wanted)) {
            throw Refusal.invalid("scopes", notAmong + missing(wanted, allowed));
        }
        if (!caller.isSession() && !caller.scopes().containsAll(wanted)) {
            throw Refusal.forbidden(
                    "A token cannot grant scopes it does not hold: " + missing(wanted, caller.scopes()));
        }
        return wanted;
    }

    /** A PAT caller may regenerate only a token whose scopes it holds itself. */
    public static void requireHeldScopes(Caller caller, Collection<String> scopes) {
        if (!caller.isSession() && !caller.scopes().containsAll(scopes)) {
            throw Refusal.forbidden("A token cannot regenerate a token with scopes it does not hold: "
                    + missing(scopes, caller.scopes()));
        }
    }

    static String missing(Collection<String> wanted, Set<String> held) {
        return wanted.stream().filter(s -> !held.contains(s)).sorted().collect(Collectors.joining(", "));
    }

    /** The networks asked for, as canonical CIDRs without repeats; each must be an address or CIDR literal. */
    public static List<String> cidrs(List<String> requested) {
        if (requested == null) {
            return List.of();
        }
        Set<String> out = new LinkedHashSet<>();
        for (int i = 0; i < requested.size(); i++) {
            int index = i;
            out.add(Cidr.parse(requested.get(i))
                    .map(Cidr::toString)
                    .orElseThrow(() ->
                            Refusal.invalid("allowedCidrs[" + index + "]", "is not an IPv4 or IPv6 address or CIDR")));
        }
        return new ArrayList<>(out);
    }

    /**
     * A token made by a network-restricted token is restricted at least as much: by default to its maker's
     * networks ({@code makerNetworks}, empty for a session or an unrestricted maker), never outside them.
     */
    public static List<String> cidrsFor(List<Cidr> makerNetworks, List<String> requested) {
        if (makerNetworks.isEmpty()) {
            return requested;
        }
        if (requested.isEmpty()) {
            return makerNetworks.stream().map(Cidr::toString).toList();
        }
        for (String wanted : requested) {
            Cidr c = Cidr.parse(wanted).orElseThrow();
            if (makerNetworks.stream().noneMatch(m -> m.covers(c))) {
                throw Refusal.forbidden("A token cannot allow networks outside its own: " + wanted);
            }
        }
        return requested;
    }

    /**
     * A token limited to networks may change or regenerate only tokens limited at least as tightly: it must
     * never get (or shape) a value that works from where it cannot itself, which is the rule of create too.
     */
    public static void requireNoWiderNetworks(List<Cidr> makerNetworks, String[] targetNetworks) {
        if (makerNetworks.isEmpty()) {
            return;
        }
        if (targetNetworks.length == 0) {
            throw Refusal.forbidden("A token limited to networks cannot change a token that works from anywhere");
        }
        for (String allowed : targetNetworks) {
            Cidr c = Cidr.parse(allowed).orElse(null);
            if (c == null || makerNetworks.stream().noneMatch(m -> m.covers(c))) {
                throw Refusal.forbidden(
                        "A token cannot change a token that works from networks outside its own: " + allowed);
            }
        }
    }
}
