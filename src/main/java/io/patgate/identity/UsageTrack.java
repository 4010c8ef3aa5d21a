package io.patgate.identity;

import io.patgate.identity.UsageTracker.Seen;
import io.patgate.identity.UsageTracker.Usage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One token's use, changed in place: {@link UsageTracker}'s entry per token. The last use is a number and the address
 * it came from is kept as the first string seen for it; the other recent addresses change only when a new address comes
 * (rare). Guarded by itself.
 */
final class UsageTrack {
    long lastMicros = UsageTracker.NONE;
    String lastIp;
    /** The recent addresses other than {@code lastIp}, newest first, with their last times. */
    List<Seen> others = List.of();
    /**
     * The addresses {@link #usage} lists as one number ({@link #addressSet}), kept as they change (rarely): the writer
     * compares it with {@link #toldAddresses} for every token every round, and reading the address strings of 100,000
     * tokens for it was 8 % of the service's CPU under rotation (a cache miss or two each).
     */
    long addresses;

    volatile boolean dirty;
    /** A last use the database holds at least (it only grows there). */
    long storedMicros = UsageTracker.NONE;
    /** The addresses whose networks the database was last told of (a hash of the set), and when. */
    long toldAddresses;

    long toldMicros = UsageTracker.NONE;

    /** The database holds a last use at {@code micros} or later (it only grows there). */
    synchronized void stored(long micros) {
        storedMicros = Math.max(storedMicros, micros);
    }

    /** The database now holds the networks of the addresses {@code told} stands for, as of {@code micros}. */
    synchronized void told(long told, long micros) {
        toldAddresses = told;
        toldMicros = micros;
    }

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
        List<Seen> merged = UsageTracker.mergeRecent(others, List.of(new Seen(ip, instant(micros)))).stream()
                .filter(s -> !s.ip().equals(lastIp))
                .limit(UsageTracker.RECENT_ADDRESSES - 1)
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
        List<Seen> recent = new ArrayList<>(UsageTracker.RECENT_ADDRESSES);
        recent.add(new Seen(lastIp, at));
        for (Seen s : others) {
            if (recent.size() < UsageTracker.RECENT_ADDRESSES) {
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
        List<Seen> merged = UsageTracker.mergeRecent(stored.recent(), lastIp == null ? List.of() : current());
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

    /**
     * {@code others} with {@code previous} (the address last used, at {@code previousMicros}) first, without
     * {@code next}.
     */
    static List<Seen> newestFirst(List<Seen> others, String previous, long previousMicros, String next) {
        List<Seen> out = new ArrayList<>(UsageTracker.RECENT_ADDRESSES);
        out.add(new Seen(previous, instant(previousMicros)));
        for (Seen s : others) {
            if (out.size() < UsageTracker.RECENT_ADDRESSES - 1 && !s.ip().equals(next) && !s.ip().equals(previous)) {
                out.add(s);
            }
        }
        return List.copyOf(out);
    }

    /**
     * The addresses {@link #usage} lists (the last one, then the others it keeps) as one 64-bit value, whatever
     * their order: a sum of mixed hashes.
     */
    private static long addressSet(String last, List<Seen> others) {
        long sum = addressHash(last);
        for (int i = 0; i < others.size() && i < UsageTracker.RECENT_ADDRESSES - 1; i++) {
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

    static long micros(Instant at) {
        return Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000L), at.getNano() / 1_000);
    }

    static Instant instant(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
    }
}
