package io.patgate.identity;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Attempts to use an expired token, noted on the request path (in memory, at most one a minute per
 * token) and written to the audit log in batches by {@code ExpiredUseWriter}: the check itself never
 * waits on the database.
 */
@ApplicationScoped
public class ExpiredUses {

    public record Attempt(UUID tokenId, UUID userId, String ip, Instant at) {}

    private static final int MAX_PENDING = 10_000;

    private final Map<UUID, Attempt> pending = new ConcurrentHashMap<>();
    /** Tokens noted in the last minute (at most one note a minute each): bounded, each forgotten after the minute. */
    private final Cache<UUID, Boolean> notedLately = Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfterWrite(java.time.Duration.ofSeconds(60))
            .build();

    void note(UUID tokenId, UUID userId, String ip, Instant now) {
        if (notedLately.getIfPresent(tokenId) != null || pending.size() >= MAX_PENDING) {
            return;
        }
        notedLately.put(tokenId, Boolean.TRUE);
        pending.putIfAbsent(tokenId, new Attempt(tokenId, userId, ip, now));
    }

    public List<Attempt> drain() {
        List<Attempt> out = new ArrayList<>();
        for (UUID id : List.copyOf(pending.keySet())) {
            Attempt a = pending.remove(id);
            if (a != null) {
                out.add(a);
            }
        }
        return out;
    }

    public void putBack(List<Attempt> attempts) {
        attempts.forEach(a -> pending.putIfAbsent(a.tokenId(), a));
    }
}
