package io.patgate.domain;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Scheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Counts events per key (a username, a client address) in a sliding window and, past an allowance,
 * locks the key for a time that doubles with each further event, up to a cap. In memory, per replica,
 * in a bounded table: at most {@code maxKeys} keys, the least used evicted first, and a key forgotten once
 * its window and longest lock are over (swept on a timer), so a flood of new keys cannot grow memory.
 */
public final class Throttle {

    private record Entry(int count, Instant windowStart, Instant lockedUntil) {}

    private final int allowance;
    private final Duration window;
    private final Duration maxLock;
    private final Clock clock;
    private final Cache<String, Entry> entries;

    /**
     * @param allowance events allowed in {@code window} before the key is locked
     * @param maxLock   the longest a key is locked for at a time
     */
    public Throttle(int allowance, Duration window, Duration maxLock, Clock clock) {
        this(allowance, window, maxLock, clock, 100_000);
    }

    public Throttle(int allowance, Duration window, Duration maxLock, Clock clock, int maxKeys) {
        this.allowance = allowance;
        this.window = window;
        this.maxLock = maxLock;
        this.clock = clock;
        this.entries = Caffeine.newBuilder()
                .maximumSize(maxKeys)
                .expireAfterWrite(window.plus(maxLock))
                .scheduler(Scheduler.systemScheduler())
                .build();
    }

    /**
     * The key of a client address: an IPv4 address as it is, an IPv6 address by its /64, since one
     * client (one home, one VM) usually holds a whole /64 and could otherwise rotate through it for
     * unlimited buckets.
     */
    public static String addressKey(String address) {
        if (address == null || address.indexOf(':') < 0) {
            return address;
        }
        return Cidr.parse(address + "/64").map(Cidr::toString).orElse(address);
    }

    /** How many keys the table holds now (after pending evictions). */
    public long size() {
        entries.cleanUp();
        return entries.estimatedSize();
    }

    /** Seconds until {@code key} may try again; 0 when it may now. */
    public long retryAfter(String key) {
        Entry e = entries.getIfPresent(key);
        Instant now = clock.instant();
        if (e == null || e.lockedUntil() == null || !now.isBefore(e.lockedUntil())) {
            return 0;
        }
        return Math.max(1, (Duration.between(now, e.lockedUntil()).toMillis() + 999) / 1000);
    }

    /** Counts one event for {@code key}; past the allowance the key is locked for 1, 2, 4... seconds, up to the cap. */
    public void count(String key) {
        Instant now = clock.instant();
        entries.asMap().compute(key, (k, old) -> {
            Entry e = old == null || old.windowStart().plus(window).isBefore(now) ? new Entry(0, now, null) : old;
            int count = e.count() + 1;
            Instant locked = e.lockedUntil();
            if (count >= allowance) {
                long seconds = Math.min(maxLock.toSeconds(), 1L << Math.min(30, count - allowance));
                locked = now.plusSeconds(seconds);
            }
            return new Entry(count, e.windowStart(), locked);
        });
    }

    /** Takes back one event counted for {@code key} (it turned out to be legitimate). */
    public void uncount(String key) {
        entries.asMap()
                .computeIfPresent(
                        key,
                        (k, e) -> e.count() <= 1
                                ? null
                                : new Entry(
                                        e.count() - 1,
                                        e.windowStart(),
                                        e.count() - 1 >= allowance ? e.lockedUntil() : null));
    }

    public void reset(String key) {
        entries.invalidate(key);
    }
}
