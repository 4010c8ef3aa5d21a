package io.patgate.audit;

import io.patgate.config.PatgateConfig;
import io.patgate.store.AuditEventRepository;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import org.jboss.logging.Logger;

/** Deletes audit events older than {@code patgate.audit.retention}, once an hour. */
@ApplicationScoped
public class AuditRetention {

    private static final Logger LOG = Logger.getLogger(AuditRetention.class);

    private final AuditEventRepository events;
    private final PatgateConfig config;

    public AuditRetention(AuditEventRepository events, PatgateConfig config) {
        this.events = events;
        this.config = config;
    }

    @Scheduled(every = "1h", delayed = "5m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return prune().onFailure()
                .invoke(e -> LOG.debugf("Audit pruning failed: %s", e.toString()))
                .onFailure()
                .recoverWithNull()
                .replaceWithVoid();
    }

    public Uni<Integer> prune() {
        return events.pruneBefore(Instant.now().minus(config.audit().retention()))
                .invoke(n -> {
                    if (n > 0) {
                        LOG.infof(
                                "Pruned %d audit events older than %s",
                                n, config.audit().retention());
                    }
                });
    }
}
