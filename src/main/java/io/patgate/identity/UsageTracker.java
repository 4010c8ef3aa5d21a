package io.patgate.identity;

import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When and from where each token was last used, gathered in memory on the request path and written to
 * the database in batches (see {@code TokenUsageWriter}). A request costs one map lookup; the record is
 * only rewritten when the address changes or a second has passed.
 *
 * <p>It also remembers, per token, a last use the database is known to hold at least ({@link #stored}): from the
 * rows read at start or on a cold read, and from each write. The writer skips a token whose last use has not moved
 * {@code patgate.tokens.usage-step} past it, so an idle replica or a busy token costs the database nothing new.
 */
@Singleton // on the per-request path: no client proxy between the caller and it
public class UsageTracker {

    public static final int RECENT_ADDRESSES = 5;

    public record Seen(String ip, Instant at) {}

    /** @param recent distinct addresses, newest first, at most {@link #RECENT_ADDRESSES} */
    public record Usage(Instant lastUsedAt, String lastUsedIp, List<Seen> recent) {}

    private final Map<UUID, Usage> usage = new ConcurrentHashMap<>();
    private final Set<UUID> dirty = ConcurrentHashMap.newKeySet();
    /** A last use the database holds at least, per token (it only grows there). */
    private final Map<UUID, Instant> stored = new ConcurrentHashMap<>();
    /** Per token, the set of recent addresses whose networks the database was last told of (a hash), and when. */
    private final Map<UUID, Told> told = new ConcurrentHashMap<>();

    private record Told(long addresses, Instant at) {}

    public void record(UUID tokenId, String ip, Instant now) {
        Usage current = usage.get(tokenId);
        if (current != null
                && ip.equals(current.lastUsedIp())
                && now.getEpochSecond() == current.lastUsedAt().getEpochSecond()) {
            return; // same address within the same second: nothing new to say
        }
        usage.compute(tokenId, (id, old) -> merge(old, ip, now));
        dirty.add(tokenId);
    }

    static Usage merge(Usage old, String ip, Instant now) {
        if (old != null && old.lastUsedAt() != null && old.lastUsedAt().isAfter(now)) {
            return old;
        }
        List<Seen> recent = new ArrayList<>(RECENT_ADDRESSES);
        recent.add(new Seen(ip, now));
        if (old != null) {
            for (Seen seen : old.recent()) {
                if (recent.size() < RECENT_ADDRESSES && !seen.ip().equals(ip)) {
                    recent.add(seen);
                }
            }
        }
        return new Usage(now, ip, List.copyOf(recent));
    }

    /** Two lists of recent addresses as one: each address once at its latest time, newest first, five at most. */
    public static List<Seen> mergeRecent(List<Seen> a, List<Seen> b) {
        Map<String, Instant> latest = new java.util.HashMap<>();
        for (Seen s : a) {
            latest.merge(s.ip(), s.at(), (x, y) -> x.isAfter(y) ? x : y);
        }
        for (Seen s : b) {
            latest.merge(s.ip(), s.at(), (x, y) -> x.isAfter(y) ? x : y);
        }
        return latest.entrySet().stream()
                .sorted(Map.Entry.<String, Instant>comparingByValue().reversed())
                .limit(RECENT_ADDRESSES)
                .map(e -> new Seen(e.getKey(), e.getValue()))
                .toList();
    }

    /** What is known of a token's use, from the database at start and from requests since; null if never used. */
    public Usage usage(UUID tokenId) {
        return usage.get(tokenId);
    }

    /** Seeds what the database knows, unless this replica saw something newer. */
    public void seed(UUID tokenId, Usage fromDatabase) {
        stored(tokenId, fromDatabase.lastUsedAt());
        usage.merge(
                tokenId,
                fromDatabase,
                (mine, stored) -> stored.lastUsedAt() != null
                                && (mine.lastUsedAt() == null
                                        || stored.lastUsedAt().isAfter(mine.lastUsedAt()))
                        ? stored
                        : mine);
    }

    /** Takes the usage changed since the last call; give back what could not be written with {@link #putBack}. */
    public Map<UUID, Usage> drain() {
        Map<UUID, Usage> out = new java.util.HashMap<>();
        for (UUID id : List.copyOf(dirty)) {
            dirty.remove(id);
            Usage u = usage.get(id);
            if (u != null) {
                out.put(id, u);
            }
        }
        return out;
    }

    /** The database holds a last use of {@code tokenId} at {@code at} or later. */
    public void stored(UUID tokenId, Instant at) {
        if (at != null) {
            stored.merge(tokenId, at, (a, b) -> a.isAfter(b) ? a : b);
        }
    }

    /** Whether {@code u} is {@code step} or more past what the database is known to hold (or it holds nothing). */
    public boolean due(UUID tokenId, Usage u, java.time.Duration step) {
        Instant known = stored.get(tokenId);
        return known == null || !u.lastUsedAt().isBefore(known.plus(step));
    }

    /**
     * Whether {@code u}'s addresses must be checked against the networks the database holds for the token: they are not
     * the set it was last told of, or that was {@code step} ago or more (a known network's time is refreshed once a
     * step). A token used from the same addresses round after round is checked once a step, not every round.
     */
    public boolean networksDue(UUID tokenId, Usage u, java.time.Duration step, Instant now) {
        Told last = told.get(tokenId);
        return last == null
                || last.addresses() != addressSet(u.recent())
                || !now.isBefore(last.at().plus(step));
    }

    /** The database now holds the networks of {@code u}'s addresses (committed), as of {@code now}. */
    public void networksTold(UUID tokenId, Usage u, Instant now) {
        told.put(tokenId, new Told(addressSet(u.recent()), now));
    }

    /** The addresses of {@code recent} as one 64-bit value, whatever their order (a sum of mixed hashes). */
    static long addressSet(List<Seen> recent) {
        long sum = 0;
        for (Seen seen : recent) {
            long h = 0xcbf29ce484222325L; // FNV-1a over the characters, then a 64-bit finaliser
            String ip = seen.ip();
            for (int i = 0; i < ip.length(); i++) {
                h = (h ^ ip.charAt(i)) * 0x100000001b3L;
            }
            h ^= h >>> 33;
            h *= 0xff51afd7ed558ccdL;
            h ^= h >>> 33;
            sum += h;
        }
        return sum;
    }

    public void putBack(Set<UUID> ids) {
        dirty.addAll(ids);
    }

    public int pending() {
        return dirty.size();
    }
}
