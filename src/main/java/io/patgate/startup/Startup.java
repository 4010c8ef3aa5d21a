package io.patgate.startup;

import io.patgate.account.AdminBootstrap;
import io.patgate.replica.Heartbeat;
import io.patgate.replica.IdentityStateLoader;
import io.patgate.replica.StateSync;
import io.patgate.store.SigningKeyStore;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Brings the service up in order, once Flyway has migrated the schema: make sure the signing key and the admin account exist, and load the in-memory state that the per-request check
 * reads (accounts and session revocations). Readiness ({@link StateReadiness}) is down until that is done. The working set of tokens
 * is read afterwards, while the service already answers: a token not yet in memory costs one read on its first use.
 */
@ApplicationScoped
public class Startup {

    private static final Logger LOG = Logger.getLogger(Startup.class);

    private final SigningKeyStore keys;
    private final AdminBootstrap admin;
    private final IdentityStateLoader state;
    private final StateSync sync;
    private final Heartbeat heartbeat;

    public Startup(
            SigningKeyStore keys,
            AdminBootstrap admin,
            IdentityStateLoader state,
            StateSync sync,
            Heartbeat heartbeat) {
        this.heartbeat = heartbeat;
        this.keys = keys;
        this.admin = admin;
        this.state = state;
        this.sync = sync;
    }

    void onStart(@Observes @Priority(1) StartupEvent event) {
        // Flyway has migrated the schema by now (quarkus.flyway.migrate-at-start); settings were checked
        // when the configuration was read (PatgateConfig and DatasourceUrls constraints)
        long started = System.nanoTime();
        try {
            keys.bootstrapAndLoad()
                    .chain(admin::ensureAdmin)
                    // a fresh beat first, so that a restart after a while is not judged by the last beat before it
                    .chain(heartbeat::beat)
                    .chain(sync::initialLoad)
                    .chain(sync::listen)
                    .await()
                    .atMost(Duration.ofSeconds(120));
        } catch (IllegalStateException e) {
            LOG.errorf("patgate cannot start: %s", e.getMessage());
            Quarkus.asyncExit(2);
            return;
        }
        LOG.infof("patgate state loaded in %d ms", (System.nanoTime() - started) / 1_000_000);
        sync.warmUp();
    }

    @Scheduled(every = "10m", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> pruneSessions() {
        return state.pruneExpiredSessions()
                .onFailure()
                .invoke(e -> LOG.debugf("Pruning expired session revocations failed: %s", e.getMessage()))
                .onFailure()
                .recoverWithNull()
                .replaceWithVoid();
    }
}
