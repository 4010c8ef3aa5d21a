package io.patgate.replica;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * Whether the database answered the last time this replica asked (a reconciliation round, the change
 * subscription). While it is down, requests that need it are refused at once with 503 instead of
 * waiting on connections that will not come; the per-request check does not need it at all.
 */
@ApplicationScoped
public class DatabaseStatus {

    private static final Logger LOG = Logger.getLogger(DatabaseStatus.class);

    private volatile boolean available = true;
    private volatile Instant since = Instant.now();

    public DatabaseStatus(io.micrometer.core.instrument.MeterRegistry registry) {
        io.micrometer.core.instrument.Gauge.builder("patgate.database.up", this, s -> s.available ? 1 : 0)
                .description(
                        "1 while the database answered the last time this replica asked, 0 while it is unreachable")
                .register(registry);
    }

    public boolean isAvailable() {
        return available;
    }

    public Instant since() {
        return since;
    }

    public void up() {
        if (!available) {
            LOG.info("The database is reachable again");
            since = Instant.now();
        }
        available = true;
    }

    public void down(Throwable error) {
        if (available) {
            LOG.warnf(
                    "The database is unreachable (%s); checks go on from memory, writes answer 503", error.toString());
            since = Instant.now();
        }
        available = false;
    }
}
