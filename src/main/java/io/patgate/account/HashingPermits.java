package io.patgate.account;

import io.patgate.config.PatgateConfig;
import io.patgate.domain.Refusal;
import io.patgate.runtime.HeapRelease;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Password hashing's memory, planned for. Argon2id holds {@code patgate.password.memory-kib} (19 MiB) of heap for
 * each hash while it runs, on purpose, so at most {@code patgate.password.max-concurrent} hashes run at once; the
 * others wait their turn, up to half of {@code patgate.http.request-timeout} (so the refusal, not the request's timeout,
 * answers), and then get {@link Refusal#busy} (503 with {@code Retry-After: 2}). A
 * burst of logins, hostile or not, costs a known amount of heap instead of whatever the heap can grow to; and once
 * hashing is over, {@link HeapRelease} hands back what it made the heap grow by.
 */
@Singleton
public class HashingPermits {

    private final Semaphore permits;
    private final int maxConcurrent;
    private final long waitMillis;
    private final HeapRelease memoryReturn;

    @Inject
    public HashingPermits(PatgateConfig config, HeapRelease memoryReturn) {
        this(
                config.password().maxConcurrent().orElse(Runtime.getRuntime().availableProcessors()),
                config.http().requestTimeout().dividedBy(2),
                memoryReturn);
    }

    HashingPermits(int maxConcurrent, Duration wait, HeapRelease memoryReturn) {
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("patgate.password.max-concurrent must be at least 1");
        }
        this.maxConcurrent = maxConcurrent;
        this.permits = new Semaphore(maxConcurrent, true);
        this.waitMillis = wait.toMillis();
        this.memoryReturn = memoryReturn;
    }

    /** Runs one hash in its turn; {@link Refusal#busy} when none came in time. */
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
        HeapRelease.Burst burst = memoryReturn.begin();
        try {
            return work.get();
        } finally {
            permits.release();
            burst.end();
        }
    }

    /** Hashes running now. */
    int running() {
        return maxConcurrent - permits.availablePermits();
    }

    /** How many hashes may run at once ({@code patgate.password.max-concurrent}). */
    public int maxConcurrent() {
        return maxConcurrent;
    }
}
