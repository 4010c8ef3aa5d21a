package io.patgate.identity;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tokens being read from the database right now, each with the newest row version this replica applied to it
 * meanwhile: the change feed updates them even though they are not held yet, and the mark, which eviction does
 * not touch, keeps an older read from landing over a change that was held for a moment and then evicted. Part of
 * {@link IdentityState}; not on the per-request path.
 */
final class ReadMarks {

    private final Map<UUID, ReadMark> reading = new ConcurrentHashMap<>();

    void join(UUID id) {
        reading.compute(id, (key, mark) -> (mark == null ? new ReadMark() : mark).join());
    }

    void leave(UUID id) {
        reading.computeIfPresent(id, (key, mark) -> mark.leave());
    }

    boolean isMarked(UUID id) {
        return reading.containsKey(id);
    }

    /** Records that {@code version} of a marked token was applied. */
    void raise(UUID id, long version) {
        reading.computeIfPresent(id, (key, mark) -> {
            mark.newest = Math.max(mark.newest, version);
            return mark;
        });
    }

    /**
     * Runs {@code put} if the token is marked and {@code version} is not older than any applied meanwhile, under the
     * mark's lock, so a change that raises the mark either comes first (and the read is dropped) or after the put (and
     * replaces it, being newer).
     *
     * @return whether the token was marked (false: {@code put} did not run)
     */
    boolean putIfNewest(UUID id, long version, Runnable put) {
        ReadMark held = reading.computeIfPresent(id, (key, mark) -> {
            if (version >= mark.newest) {
                put.run();
            }
            return mark;
        });
        return held != null;
    }

    /** One read in flight (or several, sharing the id) and the newest version applied to its token meanwhile. */
    private static final class ReadMark {
        private int readers;
        private long newest = Long.MIN_VALUE;

        ReadMark join() {
            readers++;
            return this;
        }

        ReadMark leave() {
            return --readers == 0 ? null : this;
        }
    }
}
