package io.patgate.startup;

import io.patgate.account.AdminBootstrap;
import io.patgate.config.PatgateConfig;
import io.patgate.store.IdentityStateLoader;
import io.patgate.store.SigningKeyStore;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import org.eclipse.microprofile.config.ConfigProvider;
import org.flywaydb.core.Flyway;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Brings the service up in order: check the production settings, migrate the schema, make sure the
 * signing key and the admin account exist, and load the in-memory state that the per-request check
 * reads. Readiness ({@link StateReadiness}) is down until the last step is done.
 */
@ApplicationScoped
public class Startup {

    private static final Logger LOG = Logger.getLogger(Startup.class);
    private static final int MIN_SECRET_LENGTH = 32;

    private final PatgateConfig config;
    private final Instance<Flyway> flyway;
    private final SigningKeyStore keys;
    private final AdminBootstrap admin;
    private final IdentityStateLoader state;

    public Startup(PatgateConfig config, Instance<Flyway> flyway, SigningKeyStore keys, AdminBootstrap admin, IdentityStateLoader state) {
        this.config = config;
        this.flyway = flyway;
        this.keys = keys;
        this.admin = admin;
        this.state = state;
    }

    void onStart(@Observes @Priority(1) StartupEvent event) {
        List<String> missing = missingSettings();
        if (!missing.isEmpty()) {
            // one line that says what to set, not a stack trace
            LOG.errorf("patgate cannot start: set %s", String.join("; ", missing));
            Quarkus.asyncExit(2);
            return;
        }
        long started = System.nanoTime();
        flyway.get().migrate();
        try {
            keys.bootstrapAndLoad()
                    .chain(admin::ensureAdmin)
                    .chain(state::loadAll)
                    .await().atMost(Duration.ofSeconds(120));
        } catch (IllegalStateException e) {
            LOG.errorf("patgate cannot start: %s", e.getMessage());
            Quarkus.asyncExit(2);
            return;
        }
        LOG.infof("patgate is ready in %d ms after the HTTP layer started", (System.nanoTime() - started) / 1_000_000);
    }

    private List<String> missingSettings() {
        List<String> missing = new ArrayList<>();
        if (LaunchMode.current() != LaunchMode.NORMAL) {
            return missing; // dev mode and tests bring their own database and secret
        }
        var cfg = ConfigProvider.getConfig();
        Optional<String> reactive = cfg.getOptionalValue("quarkus.datasource.reactive.url", String.class);
        Optional<String> jdbc = cfg.getOptionalValue("quarkus.datasource.jdbc.url", String.class);
        if (reactive.isEmpty() || jdbc.isEmpty()) {
            missing.add("QUARKUS_DATASOURCE_REACTIVE_URL (postgresql://host:5432/db), QUARKUS_DATASOURCE_JDBC_URL "
                    + "(jdbc:postgresql://host:5432/db), QUARKUS_DATASOURCE_USERNAME and QUARKUS_DATASOURCE_PASSWORD");
        }
        Optional<String> secret = config.keys().encryptionSecret();
        if (secret.isEmpty() || secret.get().length() < MIN_SECRET_LENGTH) {
            missing.add("PATGATE_KEYS_ENCRYPTION_SECRET (at least " + MIN_SECRET_LENGTH
                    + " random characters, e.g. from `openssl rand -base64 32`)");
        }
        return missing;
    }

    @Scheduled(every = "10m", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> pruneSessions() {
        return state.pruneExpiredSessions()
                .onFailure().invoke(e -> LOG.debugf("Pruning expired session revocations failed: %s", e.getMessage()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }
}
