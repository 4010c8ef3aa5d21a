package io.patgate.audit;

import io.patgate.config.PatgateConfig;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Deletes audit events older than {@code patgate.audit.retention}, once an hour. */
@ApplicationScoped
public class AuditRetention {

    private static final Logger LOG = Logger.getLogger(AuditRetention.class);

    private final Pool pool;
    private final PatgateConfig config;

    public AuditRetention(Pool pool, PatgateConfig config) {
        this.pool = pool;
        this.config = config;
    }

    @Scheduled(every = "1h", delayed = "5m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return prune().onFailure().invoke(e -> LOG.debugf("Audit pruning failed: %s", e.toString())).onFailure().recoverWithNull().replaceWithVoid();
    }

    /** The only deletion the append-only trigger lets through: it is announced for this transaction only. */
    public Uni<Integer> prune() {
        OffsetDateTime cutoff = OffsetDateTime.now(ZoneOffset.UTC).minus(config.audit().retention());
        return pool.withTransaction(conn -> conn.query("select set_config('patgate.audit_prune', 'on', true)").execute()
                        .chain(() -> conn.preparedQuery("delete from audit_event where at < $1").execute(Tuple.of(cutoff))))
                .map(rows -> rows.rowCount())
                .invoke(n -> {
                    if (n > 0) {
                        LOG.infof("Pruned %d audit events older than %s", n, config.audit().retention());
                    }
                });
    }
}
