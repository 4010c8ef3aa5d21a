package io.patgate.replica;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.patgate.identity.IdentityState;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What {@link StateSync} measures of itself: the rounds that failed ({@code patgate_state_sync_failures_total}), how
 * long a commit took to reach this replica's memory ({@code patgate_feed_lag_seconds}), and how stale the state is
 * by the primary's clock ({@code patgate_state_sync_age_seconds}). For the lag it keeps the earliest commit time among
 * the doorbell's rings that no round has answered yet: a round takes them, and either records their lag once it
 * applied them or hands them back when it could not (it failed, or its standby had not replayed them yet).
 */
final class SyncMetrics {

    /** Rounds that failed (the database unreachable or too slow); {@code patgate_state_sync_failures_total}. */
    private final Counter failures;
    /** From the commit of a changing transaction (the primary's clock) to its change applied here; {@code patgate_feed_lag_seconds}. */
    private final Timer feedLag;
    /** The earliest commit time (epoch seconds) among rings not yet covered by a round. */
    private final AtomicReference<Double> pendingSince = new AtomicReference<>();

    private final IdentityState state;

    SyncMetrics(MeterRegistry registry, IdentityState state) {
        this.state = state;
        this.failures = Counter.builder("patgate.state.sync.failures")
                .description("Reconciliation rounds with the database that failed")
                .register(registry);
        this.feedLag = Timer.builder("patgate.feed.lag")
                .description(
                        "From the commit of a transaction that changed what the check reads to the change applied on this replica")
                .serviceLevelObjectives(
                        Duration.ofMillis(5),
                        Duration.ofMillis(10),
                        Duration.ofMillis(25),
                        Duration.ofMillis(50),
                        Duration.ofMillis(100),
                        Duration.ofMillis(250),
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(5),
                        Duration.ofSeconds(30))
                .register(registry);
        Gauge.builder("patgate.state.sync.age", this, SyncMetrics::secondsSinceSync)
                .description(
                        "Seconds since the newest heartbeat this replica's state includes was written (its staleness, by the primary's clock)")
                .baseUnit("seconds")
                .register(registry);
    }

    /** The doorbell rang for a commit made at {@code epochMicros} (the primary's clock). */
    void rang(long epochMicros) {
        pending(epochMicros / 1_000_000.0);
    }

    /** The rings a round starting now answers: the earliest commit time among them, or null when none is waiting. */
    Double takePending() {
        return pendingSince.getAndSet(null);
    }

    /** A round did not apply the rings it took ({@code covers}, may be null): they are still to be answered. */
    void stillPending(Double covers) {
        if (covers != null) {
            pending(covers);
        }
    }

    /** A round applied the rings it took ({@code covers}, may be null): their lag is recorded. */
    void applied(Double covers) {
        if (covers != null) {
            long lagMillis = System.currentTimeMillis() - Math.round(covers * 1000);
            feedLag.record(Duration.ofMillis(Math.max(0, lagMillis)));
        }
    }

    /** A round failed: the database did not answer, or not in time. */
    void failed() {
        failures.increment();
    }

    private void pending(double since) {
        pendingSince.accumulateAndGet(since, (a, b) -> a == null ? b : Math.min(a, b));
    }

    private double secondsSinceSync() {
        Instant synced = state.syncedAt();
        return synced == null
                ? Double.NaN
                : Duration.between(synced, Instant.now()).toMillis() / 1000.0;
    }
}
