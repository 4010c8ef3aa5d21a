package io.patgate.identity;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sessions logged out before their JWT expired, by id, each with the instant after which its JWT is dead anyway: from
 * then on it can be forgotten ({@link #prune}), so the set holds only sessions that could still be presented. Part of
 * {@link IdentityState}.
 */
final class LoggedOutSessions {

    private final Map<UUID, Instant> expiries = new ConcurrentHashMap<>();

    void add(UUID jti, Instant expiresAt) {
        expiries.put(jti, expiresAt);
    }

    void addAll(Map<UUID, Instant> revoked) {
        expiries.putAll(revoked);
    }

    boolean contains(UUID jti) {
        return expiries.containsKey(jti);
    }

    /** Forgets the sessions whose JWT has expired by {@code now}; how many. */
    int prune(Instant now) {
        int before = expiries.size();
        expiries.values().removeIf(exp -> exp.isBefore(now));
        return before - expiries.size();
    }

    int size() {
        return expiries.size();
    }
}
