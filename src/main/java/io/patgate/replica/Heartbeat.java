package io.patgate.replica;

import io.patgate.config.PatgateConfig;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Writes the primary's clock into the heartbeat row (V18) about once every {@code patgate.state.heartbeat-interval}.
 * Every replica tries each interval and the row's own time decides: an update finds the row only when the last beat
 * is nearly an interval old, so one replica writes each beat, whichever comes first, and no replica has to be elected
 * or can take the beat down with it. The beat is {@code now()}, the start of its transaction on the primary: any
 * change committed before it is visible to every snapshot, on the primary or a standby, that holds the beat.
 */
@ApplicationScoped
public class Heartbeat {

    private static final Logger LOG = Logger.getLogger(Heartbeat.class);
    /** Skips a row another replica is writing right now, rather than wait on it while holding a connection. */
    private static final String BEAT =
            "update patgate_heartbeat set beat_at = now() where id = (select id from patgate_heartbeat"
                    + " where id = 1 and beat_at <= now() - $1 * interval '1 millisecond' for update skip locked)";

    private final Pool primary;
    private final Tuple due;
    private final Duration timeout;

    public Heartbeat(Pool primary, PatgateConfig config) {
        this.primary = primary;
        // a little under one interval, so the replicas' timers drifting apart do not skip a beat
        this.due = Tuple.of(
                config.state().heartbeatInterval().multipliedBy(9).dividedBy(10).toMillis());
        this.timeout = config.state().databaseTimeout();
    }

    /** One beat now, unless another replica wrote one less than an interval ago; true when this one wrote it. */
    public Uni<Boolean> beat() {
        return primary.preparedQuery(BEAT)
                .execute(due)
                .map(rows -> rows.rowCount() == 1)
                .ifNoItem()
                .after(timeout)
                .fail();
    }

    @Scheduled(every = "${patgate.state.heartbeat-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return beat().onFailure()
                .invoke(e -> LOG.debugf("Heartbeat not written: %s", e.toString()))
                .onFailure()
                .recoverWithNull()
                .replaceWithVoid();
    }
}
