package io.patgate.identity;

import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Everything the per-request check needs to know about accounts and sessions, held in memory. Loaded
 * from the database once at start (readiness waits for it), then kept current by the service's own
 * writes. The per-request path reads only this; it never queries the database.
 */
@ApplicationScoped
public class IdentityState {

    /** An account as the check sees it. */
    public record UserState(UUID id, String username, Set<String> roles, boolean disabled) {
        public boolean isAdmin() {
            return roles.contains("admin");
        }
    }

    private final Map<UUID, UserState> users = new ConcurrentHashMap<>();
    /** Logged-out session ids, with the instant after which the JWT is dead anyway and can be forgotten. */
    private final Map<UUID, Instant> revokedSessions = new ConcurrentHashMap<>();
    private volatile boolean loaded;

    public void load(Collection<UserState> allUsers, Map<UUID, Instant> revoked) {
        users.keySet().retainAll(allUsers.stream().map(UserState::id).toList());
        allUsers.forEach(u -> users.put(u.id(), u));
        revokedSessions.putAll(revoked);
        loaded = true;
    }

    public boolean isLoaded() {
        return loaded;
    }

    public UserState user(UUID id) {
        return users.get(id);
    }

    public void putUser(UserState user) {
        users.put(user.id(), user);
    }

    public void removeUser(UUID id) {
        users.remove(id);
    }

    public void revokeSession(UUID jti, Instant expiresAt) {
        revokedSessions.put(jti, expiresAt);
    }

    public boolean isSessionRevoked(UUID jti) {
        return revokedSessions.containsKey(jti);
    }

    /** Forgets revocations of sessions that have expired by themselves. */
    public int pruneSessions(Instant now) {
        int before = revokedSessions.size();
        revokedSessions.values().removeIf(exp -> exp.isBefore(now));
        return before - revokedSessions.size();
    }

    public int userCount() {
        return users.size();
    }
}
