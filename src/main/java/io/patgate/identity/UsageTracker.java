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

    private static final long NONE = Long.MIN_VALUE;

    /**
     * One token's use, changed in place. The last use is a number and the address it came from is kept as the first
     * string seen for it; the other recent addresses change only when a new address comes (rare). Guarded by itself.
     */
    private static final class Track {
        long lastMicros = NONE;
        String lastIp;
        /** The recent addresses other than {@code lastIp}, newest first, with their last times. */
        List<Seen> others = List.of();
        /**
         * The addresses {@link #usage} lists as one number ({@link #addressSet}), kept as they change (rarely): the writer compares it
         * with {@link #toldAddresses} for every token every round, and reading the address strings of 100,000 tokens
         * for it was 8 % of the service's CPU under rotation (a cache miss or two each).
         */
        long addresses;

        volatile boolean dirty;
        /** A last use the database holds at least (it only grows there). */
        long storedMicros = NONE;
        /** The addresses whose networks the database was last told of (a hash of the set), and when. */
        long toldAddresses;

        long toldMicros = NONE;

        synchronized boolean use(String ip, long micros) {
            if (lastIp == null) {
                lastIp = ip;
                lastMicros = micros;
                addresses = addressSet(lastIp, others);
                return true;
            }
            if (ip.equals(lastIp)) {
                if (micros <= lastMicros) {
                    return false; // an older use than the one held: nothing new
                }
                boolean sameSecond = Math.floorDiv(micros, 1_000_000) == Math.floorDiv(lastMicros, 1_000_000);
                lastMicros = micros;
                return !sameSecond; // within the second it moved in place; the writer will read it when next due
            }
            if (micros > lastMicros) {
                others = newestFirst(others, lastIp, lastMicros, ip);
                lastIp = ip;
                lastMicros = micros;
                addresses = addressSet(lastIp, others);
                return true;
            }
            // another address, but an older use than the last one (two requests finishing out of order): still one of
            // the recent addresses, which is what tells a new network
            List<Seen> merged = mergeRecent(others, List.of(new Seen(ip, instant(micros)))).stream()
                    .filter(s -> !s.ip().equals(lastIp))
                    .limit(RECENT_ADDRESSES - 1)
                    .toList();
            boolean changed = !merged.equals(others);
            others = merged;
            addresses = addressSet(lastIp, others);
            return changed;
        }

        synchronized Usage usage() {
            if (lastIp == null) {
                return null;
            }
            Instant at = instant(lastMicros);
            List<Seen> recent = new ArrayList<>(RECENT_ADDRESSES);
            recent.add(new Seen(lastIp, at));
            for (Seen s : others) {
                if (recent.size() < RECENT_ADDRESSES) {
                    recent.add(s);
                }
            }
            return new Usage(at, lastIp, List.copyOf(recent));
        }

        /** Takes what the database holds, for what it knows better (a later last use, addresses seen elsewhere). */
        synchronized void seed(Usage stored) {
            if (stored.lastUsedAt() == null) {
                return;
            }
            long micros = micros(stored.lastUsedAt());
            List<Seen> merged = mergeRecent(stored.recent(), lastIp == null ? List.of() : current());
            if (lastIp == null || micros > lastMicros) {
                lastIp = stored.lastUsedIp();
                lastMicros = micros;
            }
            String newest = lastIp;
            others = merged.stream().filter(s -> !s.ip().equals(newest)).toList();
            addresses = addressSet(lastIp, others);
        }

        private List<Seen> current() {
            List<Seen> all = new ArrayList<>(others.size() + 1);
            all.add(new Seen(lastIp, instant(lastMicros)));
            all.addAll(others);
            return all;
        }
    }

    private final Map<UUID, Track> tracks = new ConcurrentHashMap<>();

    public void record(UUID tokenId, String ip, Instant now) {
        Track track = tracks.get(tokenId);
        if (track == null) {
            track = tracks.computeIfAbsent(tokenId, id -> new Track());
        }
        if (track.use(ip, micros(now)) && !track.dirty) {
            // after the use is held: a drain that takes this token reads it, one that missed it finds it dirty again
            track.dirty = true;
        }
    }

    /** {@code others} with {@code previous} (the address last used, at {@code previousMicros}) first, without {@code next}. */
    private static List<Seen> newestFirst(List<Seen> others, String previous, long previousMicros, String next) {
        List<Seen> out = new ArrayList<>(RECENT_ADDRESSES);
        out.add(new Seen(previous, instant(previousMicros)));
        for (Seen s : others) {
            if (out.size() < RECENT_ADDRESSES - 1 && !s.ip().equals(next) && !s.ip().equals(previous)) {
                out.add(s);
            }
        }
        return List.copyOf(out);
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
        Track track = tracks.get(tokenId);
        return track == null ? null : track.usage();
    }

    /** Seeds what the database knows, unless this replica saw something newer. */
    public void seed(UUID tokenId, Usage fromDatabase) {
        Track track = tracks.computeIfAbsent(tokenId, id -> new Track());
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
        for (Map.Entry<UUID, Track> e : tracks.entrySet()) {
            Track track = e.getValue();
            if (track.dirty) {
                track.dirty = false;
                out.add(e.getKey());
            }
        }
        return out;
    }

    /** The database holds a last use of {@code tokenId} at {@code at} or later. */
    public void stored(UUID tokenId, Instant at) {
        Track track = at == null ? null : tracks.get(tokenId);
        if (track != null) {
            synchronized (track) {
                track.storedMicros = Math.max(track.storedMicros, micros(at));
            }
        }
    }

    /**
     * What the writer has to do for a token, decided in one look-up: its last use is due when it is {@code step} or more
     * past what the database is known to hold (or that holds nothing); its networks are due when its addresses are not
     * the set the database was last told of, or that was {@code refresh} ago or more (a known network's time is
     * refreshed that often: a token used from the same addresses round after round is checked once a refresh, not every
     * round). Null for a token never used here.
     *
     * @param usage its use as it stands, or null when neither is due (nothing to write, and nothing built)
     */
    public static final class Pending {
        private final Track track;
        private final Usage usage;
        private final boolean due;
        private final boolean networksDue;
        private final long addresses;

        private Pending(Track track, Usage usage, boolean due, boolean networksDue, long addresses) {
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
                synchronized (track) {
                    track.storedMicros = Math.max(track.storedMicros, micros(at));
                }
            }
        }

        /** The database now holds the networks of this token's addresses as they were here (committed), as of {@code now}. */
        public void networksTold(Instant now) {
            synchronized (track) {
                track.toldAddresses = addresses;
                track.toldMicros = micros(now);
            }
        }
    }

    public Pending pending(UUID tokenId, Duration step, Duration refresh, Instant now) {
        Track track = tracks.get(tokenId);
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
                    || micros(now) >= track.toldMicros + micros(refresh);
            return new Pending(track, due || networksDue ? track.usage() : null, due, networksDue, track.addresses);
        }
    }

    /** The addresses of {@code recent} as one 64-bit value, whatever their order (a sum of mixed hashes). */
    /**
     * The addresses {@link Track#usage} lists (the last one, then the others it keeps) as one 64-bit value, whatever
     * their order: a sum of mixed hashes.
     */
    private static long addressSet(String last, List<Seen> others) {
        long sum = addressHash(last);
        for (int i = 0; i < others.size() && i < RECENT_ADDRESSES - 1; i++) {
            sum += addressHash(others.get(i).ip());
        }
        return sum;
    }

    private static long addressHash(String ip) {
        long h = 0xcbf29ce484222325L; // FNV-1a over the characters, then a 64-bit finaliser
        for (int i = 0; i < ip.length(); i++) {
            h = (h ^ ip.charAt(i)) * 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return h;
    }

    public void putBack(Set<UUID> ids) {
        for (UUID id : ids) {
            Track track = tracks.get(id);
            if (track != null) {
                track.dirty = true;
            }
        }
    }

    public int pending() {
        int n = 0;
        for (Track track : tracks.values()) {
            n += track.dirty ? 1 : 0;
        }
        return n;
    }

    private static long micros(Instant at) {
        return Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000L), at.getNano() / 1_000);
    }

    private static long micros(Duration d) {
        return d.toNanos() / 1_000;
    }

    private static Instant instant(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
    }
}
