package io.patgate.replica;

import io.patgate.store.SigningKeyStore;
import io.patgate.config.PatgateConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import io.vertx.pgclient.PgConnectOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Keeps this replica's in-memory state in step with the database and so with every other replica.
 *
 * <ul>
 *   <li>Every committed change announces itself on {@code patgate_changes} (a trigger, in the same
 *       transaction); on each notification this replica applies what changed since it last looked.</li>
 *   <li>Every {@code patgate.state.resync-interval} it does the same unprompted, so a lost notification
 *       costs at most one interval.</li>
 *   <li>Whenever the subscription is (re)established, after a connection drop or a database restart, it
 *       reloads everything: notifications sent while it was away are lost for good.</li>
 * </ul>
 * Runs are coalesced: a burst of notifications costs one query round, plus one more for any that came
 * during it. The outcome of each round also tells {@link DatabaseStatus} whether the database answers.
 */
@ApplicationScoped
public class StateSync {

    public static final String CHANNEL = "patgate_changes";
    private static final Logger LOG = Logger.getLogger(StateSync.class);

    private final IdentityStateLoader loader;
    private final io.patgate.identity.IdentityState state;
    private final SigningKeyStore keys;
    private final DatabaseStatus database;
    private final Vertx vertx;
    private final PatgateConfig config;
    private final String url;
    private final Optional<String> username;
    private final Optional<String> password;

    /** Rounds that failed (the database unreachable or too slow); {@code patgate_state_sync_failures_total}. */
    private final io.micrometer.core.instrument.Counter failures;
    /** From the start of a changing transaction to its change applied here; {@code patgate_feed_lag_seconds}. */
    private final io.micrometer.core.instrument.Timer feedLag;
    /** The earliest transaction start (epoch seconds) among notifications not yet covered by a round. */
    private final java.util.concurrent.atomic.AtomicReference<Double> pendingSince = new java.util.concurrent.atomic.AtomicReference<>();

    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();
    private volatile String watermark;
    private volatile boolean fullReloadNeeded;
    private volatile PgSubscriber subscriber;
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

    public StateSync(IdentityStateLoader loader, io.patgate.identity.IdentityState state, SigningKeyStore keys, DatabaseStatus database,
                     Vertx vertx, PatgateConfig config,
                     @ConfigProperty(name = "quarkus.datasource.reactive.url") String url,
                     @ConfigProperty(name = "quarkus.datasource.username") Optional<String> username,
                     @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password,
                     io.micrometer.core.instrument.MeterRegistry registry, io.patgate.runtime.HeapRelease memoryReturn) {
        this.memoryReturn = memoryReturn;
        this.failures = io.micrometer.core.instrument.Counter.builder("patgate.state.sync.failures")
                .description("Reconciliation rounds with the database that failed").register(registry);
        this.feedLag = io.micrometer.core.instrument.Timer.builder("patgate.feed.lag")
                .description("From the start of a transaction that changed what the check reads to the change applied on this replica")
                .serviceLevelObjectives(Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
                        Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(30))
                .register(registry);
        io.micrometer.core.instrument.Gauge.builder("patgate.state.sync.age", this, StateSync::secondsSinceSync)
                .description("Seconds since the last successful sync with the database began (the staleness of this replica)")
                .baseUnit("seconds").register(registry);
        this.loader = loader;
        this.state = state;
        this.keys = keys;
        this.database = database;
        this.vertx = vertx;
        this.config = config;
        this.url = url;
        this.username = username;
        this.password = password;
    }

    /**
     * The first load, at start; readiness waits for it. It reads every account and session revocation but
     * no token: those are read on first use until {@link #warmUp} has brought in the working set.
     */
    public Uni<Void> initialLoad() {
        Instant started = Instant.now();
        return loader.loadAll(() -> true, false).invoke(mark -> {
            watermark = mark;
            database.up();
            state.synced(started);
        }).replaceWithVoid();
    }

    /** Reads the working set into the serving state, in the background; a failure leaves tokens to be read on first use. */
    public void warmUp() {
        // start-up's garbage (the framework's boot, this read) is handed back once it is over
        io.patgate.runtime.HeapRelease.Burst startUp = memoryReturn.begin();
        loader.warm().onTermination().invoke(startUp::end).subscribe().with(added -> { },
                e -> LOG.warnf("Could not warm the working set (%s); tokens are read on first use", e.toString()));
    }

    /** Subscribes to change notifications; from then on the subscriber reconnects by itself. */
    public Uni<Void> listen() {
        String plain = url.startsWith("vertx-reactive:") ? url.substring("vertx-reactive:".length()) : url.split(",")[0];
        PgConnectOptions options = PgConnectOptions.fromUri(plain);
        username.ifPresent(options::setUser);
        password.ifPresent(options::setPassword);
        PgSubscriber sub = PgSubscriber.subscriber(vertx, options)
                // keep trying for as long as it takes, once a second
                .reconnectPolicy(attempt -> 1000L);
        AtomicBoolean first = new AtomicBoolean(true);
        sub.channel(CHANNEL)
                .subscribeHandler(() -> {
                    if (first.getAndSet(false)) {
                        LOG.info("Listening for changes on " + CHANNEL);
                    } else {
                        LOG.info("Change subscription re-established; reloading the state in full");
                        fullReloadNeeded = true;
                    }
                    database.up();
                    sync();
                })
                .handler(payload -> {
                    noticed(payload);
                    sync();
                })
                .exceptionHandler(e -> LOG.debugf("Change subscription: %s", e.toString()));
        sub.closeHandler(() -> LOG.warn("Change subscription closed"));
        this.subscriber = sub;
        return sub.connect()
                .onFailure().invoke(e -> LOG.warnf("Could not subscribe to changes yet (%s); retrying", e.toString()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    @Scheduled(every = "${patgate.state.resync-interval}", delayed = "${patgate.state.resync-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void periodic() {
        if (watermark != null) {
            sync();
        }
        PgSubscriber sub = subscriber;
        if (sub != null && sub.closed()) {
            // reconnecting gave up (it should not, with our policy): start over
            listen().subscribe().with(ignored -> { }, e -> { });
        }
    }

    /** Remembers when the transaction behind a notification began ("table epoch-seconds"; older payloads carry no time). */
    private void noticed(String payload) {
        int space = payload == null ? -1 : payload.indexOf(' ');
        if (space < 0) {
            return;
        }
        try {
            double began = Double.parseDouble(payload.substring(space + 1));
            pendingSince.accumulateAndGet(began, (a, b) -> a == null ? b : Math.min(a, b));
        } catch (NumberFormatException e) {
            LOG.debugf("Unexpected change notification payload: %s", payload);
        }
    }

    private double secondsSinceSync() {
        Instant synced = state.syncedAt();
        return synced == null ? Double.NaN : Duration.between(synced, Instant.now()).toMillis() / 1000.0;
    }

    /** Applies what changed; coalesced with any round already running. */
    public void sync() {
        if (!running.compareAndSet(false, true)) {
            again.set(true);
            return;
        }
        again.set(false);
        Double covers = pendingSince.getAndSet(null); // the notifications this round answers
        Round round = new Round();
        Instant started = Instant.now();
        Duration timeout = config.state().databaseTimeout();
        Uni<Void> work = fullReloadNeeded || watermark == null
                ? loader.loadAll(round, true).invoke(mark -> {
                    fullReloadNeeded = false;
                    watermark = mark;
                }).chain(keys::load)
                : loader.applyChangesSince(watermark, round).chain(changes -> {
                    watermark = changes.watermark();
                    if (changes.any()) {
                        LOG.debugf("Applied changes: %s", changes);
                    }
                    return changes.keys() ? keys.load() : Uni.createFrom().voidItem();
                });
        work.ifNoItem().after(timeout.multipliedBy(2)).fail()
                .onFailure().invoke(round::abandon)
                .subscribe().with(
                        ignored -> {
                            database.up();
                            state.synced(started);
                            if (covers != null) {
                                long lagMillis = System.currentTimeMillis() - Math.round(covers * 1000);
                                feedLag.record(Duration.ofMillis(Math.max(0, lagMillis)));
                            }
                            finish();
                        },
                        error -> {
                            database.down(error);
                            failures.increment();
                            if (covers != null) {
                                pendingSince.accumulateAndGet(covers, (a, b) -> a == null ? b : Math.min(a, b)); // still to be applied
                            }
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
        PgSubscriber sub = subscriber;
        if (sub != null) {
            sub.close().subscribe().with(ignored -> { }, e -> { });
        }
    }
}
