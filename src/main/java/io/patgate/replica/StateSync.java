package io.patgate.replica;

import io.patgate.config.PatgateConfig;
import io.patgate.store.SigningKeyStore;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Keeps this replica's in-memory state in step with the database and so with every other replica.
 *
 * <ul>
 *   <li>Every commit that changed what the check reads rings this replica's doorbell, a logical replication slot of
 *       its own on the primary ({@link LogicalFeed}); on each ring it applies what changed since it last looked,
 *       read from {@link ReadPool#reads()} (a standby near it, or the primary).</li>
 *   <li>Every {@code patgate.state.resync-interval} it does the same unprompted, so a doorbell that is away costs
 *       at most one interval.</li>
 *   <li>Whenever the doorbell is re-established, after a connection drop or a database restart, it reloads
 *       everything: what was committed while it was away rang no bell.</li>
 * </ul>
 * Runs are coalesced: a burst of commits costs one query round, plus one more for any that came during it. Each
 * round carries the newest heartbeat its snapshot held; that, not this replica's clock, is what its freshness is
 * judged by ({@link io.patgate.identity.Freshness}). The outcome of each round also tells {@link DatabaseStatus}
 * whether the database answers, and {@link SyncMetrics} how it went.
 */
@ApplicationScoped
public class StateSync {

    private static final Logger LOG = Logger.getLogger(StateSync.class);

    private final IdentityStateLoader loader;
    private final io.patgate.identity.IdentityState state;
    private final SigningKeyStore keys;
    private final DatabaseStatus database;
    private final PatgateConfig config;
    private final String jdbcUrl;
    private final Optional<String> username;
    private final Optional<String> password;

    /** The failures, the feed's lag and the state's age; also the rings no round has answered yet. */
    private final SyncMetrics metrics;

    private final AtomicBoolean running = new AtomicBoolean();
    /** The end of the newest commit the feed rang for (a WAL position), and what the last round's standby had replayed. */
    private final java.util.concurrent.atomic.AtomicLong rung = new java.util.concurrent.atomic.AtomicLong();

    private volatile long replayed = -1;
    /**
     * How soon a round that found its standby behind the ring looks again: 10 ms, doubling while it stays behind (a
     * standby that applies late on purpose, or has stopped) up to a quarter second.
     */
    private static final Duration STANDBY_WAIT_FIRST = Duration.ofMillis(10);

    private static final Duration STANDBY_WAIT_MAX = Duration.ofMillis(250);
    private volatile Duration standbyWait = STANDBY_WAIT_FIRST;
    /** A look again is scheduled: one at a time, however many rounds found the standby behind. */
    private final AtomicBoolean lookingAgain = new AtomicBoolean();

    private final AtomicBoolean again = new AtomicBoolean();
    private volatile String watermark;
    private volatile boolean fullReloadNeeded;
    private volatile LogicalFeed feed;
    private final io.patgate.runtime.HeapRelease memoryReturn;

    /**
     * One reconciliation round. A round that ran past its timeout is abandoned: its queries may still
     * answer later, and what they read must then not be applied over what a newer round applied.
     */
    private static final class Round implements BooleanSupplier {
        private volatile boolean abandoned;

        /** Whether this round may still apply what it read. */
        @Override
        public boolean getAsBoolean() {
            return !abandoned;
        }

        void abandon() {
            abandoned = true;
        }
    }

    public StateSync(
            IdentityStateLoader loader,
            io.patgate.identity.IdentityState state,
            SigningKeyStore keys,
            DatabaseStatus database,
            PatgateConfig config,
            @ConfigProperty(name = "quarkus.datasource.jdbc.url") String jdbcUrl,
            @ConfigProperty(name = "quarkus.datasource.username") Optional<String> username,
            @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password,
            io.micrometer.core.instrument.MeterRegistry registry,
            io.patgate.runtime.HeapRelease memoryReturn) {
        this.memoryReturn = memoryReturn;
        this.metrics = new SyncMetrics(registry, state);
        this.loader = loader;
        this.state = state;
        this.keys = keys;
        this.database = database;
        this.config = config;
        this.jdbcUrl = jdbcUrl;
        this.username = username;
        this.password = password;
    }

    /**
     * The first load, at start; readiness waits for it. It reads every account and session revocation but
     * no token: those are read on first use until {@link #warmUp} has brought in the working set.
     */
    public Uni<Void> initialLoad() {
        return loader.loadAll(() -> true, false)
                .invoke(mark -> {
                    watermark = mark.watermark();
                    database.up();
                    synced(mark);
                })
                .replaceWithVoid();
    }

    /** The state now includes everything committed before the mark's heartbeat. */
    private void synced(IdentityStateLoader.Mark mark) {
        if (mark.beat() != null) {
            state.synced(mark.beat());
        }
        replayed = mark.replayedLsn();
    }

    /**
     * Whether the round read a standby that had not yet replayed the newest commit the feed rang for: its changes are
     * not in what the round saw, so another round follows shortly rather than at the next ring or heartbeat.
     */
    private boolean behindTheRing() {
        long seen = replayed;
        return seen >= 0 && seen < rung.get();
    }

    /** Reads the working set into the serving state, in the background; a failure leaves tokens to be read on first use. */
    public void warmUp() {
        // start-up's garbage (the framework's boot, this read) is handed back once it is over
        io.patgate.runtime.HeapRelease.Burst startUp = memoryReturn.begin();
        loader.warm()
                .onTermination()
                .invoke(startUp::end)
                .subscribe()
                .with(
                        added -> {},
                        e -> LOG.warnf(
                                "Could not warm the working set (%s); tokens are read on first use", e.toString()));
    }

    /**
     * Opens this replica's doorbell on the primary and starts listening; blocks until the stream is established.
     *
     * @throws IllegalStateException naming the setting to change when the primary cannot feed replicas as it is set
     */
    public Uni<Void> listen() {
        return Uni.createFrom()
                .<Void>item(() -> {
                    LogicalFeed opened = new LogicalFeed(
                            jdbcUrl, username.orElse(null), password.orElse(null), new LogicalFeed.Listener() {
                                @Override
                                public void opened(boolean again) {
                                    if (again) {
                                        LOG.info("Change feed re-established; reloading the state in full");
                                        fullReloadNeeded = true;
                                    }
                                    database.up();
                                    sync();
                                }

                                @Override
                                public void committed(long epochMicros, long endLsn) {
                                    rung.accumulateAndGet(endLsn, Math::max);
                                    metrics.rang(epochMicros);
                                    sync();
                                }
                            });
                    try {
                        opened.open();
                    } catch (java.sql.SQLException e) {
                        // the primary is not reachable yet: the feed keeps trying by itself, as after any drop
                        LOG.warnf("Could not open the change feed yet (%s); retrying", e.toString());
                    }
                    feed = opened;
                    opened.start();
                    LOG.info("Listening for changes on publication " + LogicalFeed.PUBLICATION);
                    return null;
                })
                .runSubscriptionOn(io.smallrye.mutiny.infrastructure.Infrastructure.getDefaultWorkerPool());
    }

    @Scheduled(
            every = "${patgate.state.resync-interval}",
            delayed = "${patgate.state.resync-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void periodic() {
        if (watermark != null) {
            sync();
        }
    }

    /** Applies what changed; coalesced with any round already running. */
    public void sync() {
        if (!running.compareAndSet(false, true)) {
            again.set(true);
            return;
        }
        again.set(false);
        Double covers = metrics.takePending(); // the rings this round answers
        Round round = new Round();
        Duration timeout = config.state().databaseTimeout();
        Uni<Void> work = fullReloadNeeded || watermark == null
                ? loader.loadAll(round, true)
                        .invoke(mark -> {
                            fullReloadNeeded = false;
                            watermark = mark.watermark();
                            synced(mark);
                        })
                        .chain(keys::load)
                : loader.applyChangesSince(watermark, round).chain(changes -> {
                    watermark = changes.mark().watermark();
                    synced(changes.mark());
                    if (changes.any()) {
                        LOG.debugf("Applied changes: %s", changes);
                    }
                    return changes.keys() ? keys.load() : Uni.createFrom().voidItem();
                });
        work.ifNoItem()
                .after(timeout.multipliedBy(2))
                .fail()
                .onFailure()
                .invoke(round::abandon)
                .subscribe()
                .with(
                        ignored -> {
                            database.up();
                            if (behindTheRing()) {
                                // the standby has not replayed the commit yet: keep what this round was to answer and
                                // look again in a moment
                                metrics.stillPending(covers);
                                finish();
                                if (lookingAgain.compareAndSet(false, true)) {
                                    Duration wait = standbyWait;
                                    standbyWait = wait.multipliedBy(2).compareTo(STANDBY_WAIT_MAX) > 0
                                            ? STANDBY_WAIT_MAX
                                            : wait.multipliedBy(2);
                                    Uni.createFrom()
                                            .voidItem()
                                            .onItem()
                                            .delayIt()
                                            .by(wait)
                                            .subscribe()
                                            .with(again -> {
                                                lookingAgain.set(false);
                                                sync();
                                            });
                                }
                                return;
                            }
                            standbyWait = STANDBY_WAIT_FIRST;
                            metrics.applied(covers);
                            finish();
                        },
                        error -> {
                            database.down(error);
                            metrics.failed();
                            metrics.stillPending(covers); // still to be applied
                            finish();
                        });
    }

    private void finish() {
        running.set(false);
        if (again.getAndSet(false)) {
            sync();
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        LogicalFeed current = feed;
        if (current != null) {
            current.stop();
        }
    }
}
