package io.patgate.account;

import io.patgate.config.PatgateConfig;
import io.patgate.domain.Refusal;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Password hashing's memory, planned for. Argon2id holds {@code patgate.password.memory-kib} (19 MiB) of heap for
 * each hash while it runs, on purpose, so:
 * <ul>
 *   <li>at most {@code patgate.password.max-concurrent} hashes run at once; the others wait their turn, up to
 *       {@link #WAIT}, and then get {@link Refusal#busy} (503 with {@code Retry-After: 2}). A burst of logins, hostile or not,
 *       costs a known amount of heap instead of whatever the heap can grow to;</li>
 *   <li>once no hash has run for {@code patgate.password.return-memory-after}, one full collection hands the heap
 *       that hashing made grow back to the system, at most once a {@link #MIN_INTERVAL}. The serial collector of the
 *       container image only gives memory back at a full collection, which a replica that mostly answers checks
 *       (short-lived garbage, young collections only) may not have for hours: without this a few logins leave the
 *       pod 100 MiB larger than it needs to be.</li>
 * </ul>
 */
@Singleton
public class HashingMemory {

    private static final Logger LOG = Logger.getLogger(HashingMemory.class);
    /** How long a hash waits for its turn before the request is refused as busy. */
    static final Duration WAIT = Duration.ofSeconds(10);
    /** The least time between two collections asked for here (each is a pause of some tens of milliseconds). */
    static final Duration MIN_INTERVAL = Duration.ofMinutes(1);

    private final Semaphore permits;
    private final int maxConcurrent;
    private final long waitMillis;
    private final long quietNanos;
    private final long minIntervalNanos;
    private final Runnable collect;
    private final ScheduledExecutorService timer;
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicBoolean returnPlanned = new AtomicBoolean();
    private volatile long lastFinished;
    private volatile long lastCollected;
    private volatile boolean collectedOnce;

    @Inject
    public HashingMemory(PatgateConfig config) {
        this(config.password().maxConcurrent().orElse(Runtime.getRuntime().availableProcessors()),
                WAIT, config.password().returnMemoryAfter(), MIN_INTERVAL, HashingMemory::collectAndLog);
    }

    HashingMemory(int maxConcurrent, Duration wait, Duration quiet, Duration minInterval, Runnable collect) {
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("patgate.password.max-concurrent must be at least 1");
        }
        this.maxConcurrent = maxConcurrent;
        this.permits = new Semaphore(maxConcurrent, true);
        this.waitMillis = wait.toMillis();
        this.quietNanos = quiet.isNegative() ? 0 : quiet.toNanos();
        this.minIntervalNanos = minInterval.toNanos();
        this.collect = collect;
        this.timer = quietNanos == 0 ? null : Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "patgate-hashing-memory");
            t.setDaemon(true);
            return t;
        });
    }

    /** For {@link PasswordHasher} outside the application (tools, unit tests): no limit worth speaking of, nothing given back. */
    static HashingMemory unplanned() {
        return new HashingMemory(Integer.MAX_VALUE, Duration.ZERO, Duration.ZERO, MIN_INTERVAL, () -> { });
    }

    /** Runs one hash in its turn; {@link Refusal#busy} when none came within {@link #WAIT}. */
    public <T> T hash(Supplier<T> work) {
        boolean turn;
        try {
            turn = permits.tryAcquire(waitMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            turn = false;
        }
        if (!turn) {
            throw Refusal.busy(2, "Too many passwords are being checked at once; try again in a few seconds");
        }
        running.incrementAndGet();
        try {
            return work.get();
        } finally {
            lastFinished = System.nanoTime();
            running.decrementAndGet();
            permits.release();
            planReturn();
        }
    }

    /** Hashes running now (at most {@code patgate.password.max-concurrent}). */
    int running() {
        return running.get();
    }

    int maxConcurrent() {
        return maxConcurrent;
    }

    private void planReturn() {
        if (timer != null && returnPlanned.compareAndSet(false, true)) {
            timer.schedule(this::returnWhenQuiet, quietNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** On the timer: collects once hashing has been quiet long enough and the last collection is long enough ago, else looks again then. */
    private void returnWhenQuiet() {
        long now = System.nanoTime();
        long later = running.get() > 0 ? quietNanos : quietNanos - (now - lastFinished);
        if (collectedOnce) {
            later = Math.max(later, minIntervalNanos - (now - lastCollected));
        }
        if (later > 0) {
            timer.schedule(this::returnWhenQuiet, later, TimeUnit.NANOSECONDS);
            return;
        }
        returnPlanned.set(false);
        lastCollected = now;
        collectedOnce = true;
        try {
            collect.run();
        } catch (RuntimeException e) {
            LOG.debugf("Returning memory after password hashing failed: %s", e.toString());
        }
    }

    private static void collectAndLog() {
        long before = Runtime.getRuntime().totalMemory();
        System.gc(); // the one place patgate asks for a collection: see the class comment
        long after = Runtime.getRuntime().totalMemory();
        LOG.debugf("Heap after password hashing went quiet: %d MiB committed before, %d MiB after one collection",
                before >> 20, after >> 20);
    }

    @PreDestroy
    void stop() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
