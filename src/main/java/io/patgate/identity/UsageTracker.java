package io.patgate.identity;

import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When and from where each token was last used, gathered in memory on the request path and written to the database in
 * batches (see {@code TokenUsageWriter}). A request costs one map look-up and, from the address the token was last used
 * from, one write of a number: nothing is allocated that outlives the request. (It was a new record per token and
 * second: with 100,000 tokens in rotation those lived the seconds between two uses, long enough to be promoted, and the
 * collector's pauses took a third of the throughput.)
 *
 * <p>It also remembers, per token, a last use the database is known to hold at least ({@link #stored}): from the rows
 * read at start or on a cold read, and from each write. The writer skips a token whose last use has not moved
 * {@code patgate.tokens.usage-step} past it, so an idle replica or a busy token costs the database nothing new.
 */
@Singleton // on the per-request path: no client proxy between the caller and it
public class UsageTracker {

    public static final int RECENT_ADDRESSES = 5;

    public record Seen(String ip, Instant at) {}

    /** @param recent distinct addresses, newest first, at most {@link #RECENT_ADDRESSES} */
    public record Usage(Instant lastUsedAt, String lastUsedIp, List<Seen> recent) {}

    static final long NONE = Long.MIN_VALUE;

    private final Map<UUID, UsageTrack> tracks = new ConcurrentHashMap<>();

    public void record(UUID tokenId, String ip, Instant now) {
        UsageTrack track = tracks.get(tokenId);
        if (track == null) {
            track = tracks.computeIfAbsent(tokenId, id -> new UsageTrack());
        }
        if (track.use(ip, UsageTrack.micros(now)) && !track.dirty) {
            // after the use is held: a drain that takes this token reads it, one that missed it finds it dirty again
            track.dirty = true;
        }
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
        UsageTrack track = tracks.get(tokenId);
        return track == null ? null : track.usage();
    }

    /** Seeds what the database knows, unless this replica saw something newer. */
    public void seed(UUID tokenId, Usage fromDatabase) {
        UsageTrack track = tracks.computeIfAbsent(tokenId, id -> new UsageTrack());
        track.seed(fromDatabase);
        stored(tokenId, fromDatabase.lastUsedAt());
    }

    /**
     * Takes the tokens whose use changed since the last call; give back those that could not be written with
     * {@link #putBack}. Their use as it stands is {@link #usage}.
     */
    public List<UUID> drain() {
        // a flag per token and a walk of them all when the writer asks (every few seconds; 100,000 in about a
        // millisecond), not a set: a set's entry, added by the request and kept until the next drain, lived long enough
        // to be promoted, one per request with 100,000 tokens in rotation
        List<UUID> out = new ArrayList<>();
        for (Map.Entry<UUID, UsageTrack> e : tracks.entrySet()) {
            UsageTrack track = e.getValue();
            if (track.dirty) {
                track.dirty = false;
                out.add(e.getKey());
            }
        }
        return out;
    }

    /** The database holds a last use of {@code tokenId} at {@code at} or later. */
    public void stored(UUID tokenId, Instant at) {
        UsageTrack track = at == null ? null : tracks.get(tokenId);
        if (track != null) {
            track.stored(UsageTrack.micros(at));
        }
    }

    /**
     * What the writer has to do for a token, decided in one look-up: its last use is due when it is {@code step} or
     * more past what the database is known to hold (or that holds nothing); its networks are due when its addresses
     * are not the set the database was last told of, or that was {@code refresh} ago or more (a known network's time
     * is refreshed that often: a token used from the same addresses round after round is checked once a refresh, not
     * every round). {@link #usage} is its use as it stands, or null when neither is due (nothing to write, and nothing
     * built). {@link UsageTracker#pending} answers null for a token never used here.
     */
    public static final class Pending {
        private final UsageTrack track;
        private final Usage usage;
        private final boolean due;
        private final boolean networksDue;
        private final long addresses;

        private Pending(UsageTrack track, Usage usage, boolean due, boolean networksDue, long addresses) {
            this.track = track;
            this.usage = usage;
            this.due = due;
            this.networksDue = networksDue;
            this.addresses = addresses;
        }

        public Usage usage() {
            return usage;
        }

        public boolean due() {
            return due;
        }

        public boolean networksDue() {
            return networksDue;
        }

        /** The database holds a last use of this token at {@code at} or later (null: nothing learnt). */
        public void stored(Instant at) {
            if (at != null) {
                track.stored(UsageTrack.micros(at));
            }
        }

        /** The database now holds the networks of this token's addresses as they were here, as of {@code now}. */
        public void networksTold(Instant now) {
            track.told(addresses, UsageTrack.micros(now));
        }
    }

    public Pending pending(UUID tokenId, Duration step, Duration refresh, Instant now) {
        UsageTrack track = tracks.get(tokenId);
        if (track == null) {
            return null;
        }
        synchronized (track) {
            if (track.lastIp == null) {
                return null;
            }
            boolean due = track.storedMicros == NONE || track.lastMicros >= track.storedMicros + micros(step);
            boolean networksDue = track.toldMicros == NONE
                    || track.toldAddresses != track.addresses
                    || UsageTrack.micros(now) >= track.toldMicros + micros(refresh);
            return new Pending(track, due || networksDue ? track.usage() : null, due, networksDue, track.addresses);
        }
    }

    public void putBack(Set<UUID> ids) {
        for (UUID id : ids) {
            UsageTrack track = tracks.get(id);
            if (track != null) {
                track.dirty = true;
            }
        }
    }

    public int pending() {
        int n = 0;
        for (UsageTrack track : tracks.values()) {
            n += track.dirty ? 1 : 0;
        }
        return n;
    }

    private static long micros(Duration d) {
        return d.toNanos() / 1_000;
    }
}
