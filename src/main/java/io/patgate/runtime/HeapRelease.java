package io.patgate.runtime;

import io.patgate.config.PatgateConfig;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Gives the heap back to the system after work that makes it grow for a while: password hashing (Argon2id holds
 * 19 MiB a hash on purpose) and start-up (the framework's boot, the working set's read). The container image's
 * serial collector hands memory back only at a full collection, which a replica that mostly answers checks
 * (short-lived garbage, young collections only) may not have for hours: without this, a few logins leave a pod
 * some 100 MiB larger than it needs to be. So once such work has been over for {@code patgate.memory.return-after},
 * one full collection runs, and these collections take at most {@link #BUDGET_PERCENT} % of the time: never closer
 * together than {@link #MIN_INTERVAL}, nor than a hundred times the last one's pause.
 */
@Singleton
public class HeapRelease {

    private static final Logger LOG = Logger.getLogger(HeapRelease.class);
    static final Duration MIN_INTERVAL = Duration.ofSeconds(10);
    static final int BUDGET_PERCENT = 1;

    /** One stretch of heap-growing work: {@link #end()} it when it is over (in a {@code finally}). */
    public interface Burst {
        void end();
    }

    private final long quietNanos;
    private final long minIntervalNanos;
    private final Runnable collect;
    private final ScheduledExecutorService timer;
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicBoolean planned = new AtomicBoolean();
    private volatile long lastEnded;
    private volatile long nextAllowed = Long.MIN_VALUE;

    @Inject
    public HeapRelease(PatgateConfig config) {
        this(config.memory().returnAfter(), MIN_INTERVAL, HeapRelease::collectAndLog);
    }

    public HeapRelease(Duration quiet, Duration minInterval, Runnable collect) {
        this.quietNanos = quiet.isNegative() ? 0 : quiet.toNanos();
        this.minIntervalNanos = minInterval.toNanos();
        this.collect = collect;
        this.timer = quietNanos == 0
                ? null
                : Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "patgate-memory-return");
                    t.setDaemon(true);
                    return t;
                });
    }

    /** Never collects (tools, unit tests). */
    public static HeapRelease never() {
        return new HeapRelease(Duration.ZERO, MIN_INTERVAL, () -> {});
    }

    /** Heap-growing work starts now; no collection runs before it {@link Burst#end() ends}. */
    public Burst begin() {
        running.incrementAndGet();
        AtomicBoolean ended = new AtomicBoolean();
        return () -> {
            if (ended.compareAndSet(false, true)) {
                lastEnded = System.nanoTime();
                running.decrementAndGet();
                plan();
            }
        };
    }

    private void plan() {
        if (timer != null && planned.compareAndSet(false, true)) {
            timer.schedule(this::returnWhenQuiet, quietNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** On the timer: collects once the work has been over long enough and the budget allows, else looks again then. */
    private void returnWhenQuiet() {
        long now = System.nanoTime();
        long later = running.get() > 0 ? quietNanos : quietNanos - (now - lastEnded);
        if (nextAllowed != Long.MIN_VALUE) {
            later = Math.max(later, nextAllowed - now);
        }
        if (later > 0) {
            timer.schedule(this::returnWhenQuiet, later, TimeUnit.NANOSECONDS);
            return;
        }
        planned.set(false);
        long started = System.nanoTime();
        try {
            collect.run();
        } catch (RuntimeException e) {
            LOG.debugf("Returning memory failed: %s", e.toString());
        }
        long pause = System.nanoTime() - started;
        nextAllowed = started + Math.max(minIntervalNanos, pause * (100 / BUDGET_PERCENT));
    }

    private static void collectAndLog() {
        long before = Runtime.getRuntime().totalMemory();
        long started = System.nanoTime();
        System.gc(); // the one place patgate asks for a collection: see the class comment
        LOG.debugf(
                "Heap handed back after heap-growing work: %d MiB committed before, %d MiB after a collection of %d ms",
                before >> 20, Runtime.getRuntime().totalMemory() >> 20, (System.nanoTime() - started) / 1_000_000);
    }

    @PreDestroy
    public void stop() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
