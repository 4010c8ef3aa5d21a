package io.patgate.store;

import io.patgate.domain.Cidr;
import io.patgate.identity.UsageTracker;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Writes the last-used data gathered by {@link UsageTracker}: every few seconds, all changed tokens in one
 * transaction (one batched statement), and once more on graceful shutdown. A failed write is retried on
 * the next round, so a database outage loses nothing that is still in memory. The same transaction remembers the
 * networks each token was used from, which is where {@code token.used-from-new-address} comes from: off the
 * request path, one statement a round, however many requests there were.
 */
@ApplicationScoped
public class TokenUsageWriter {

    private static final Logger LOG = Logger.getLogger(TokenUsageWriter.class);

    private final Pool pool;
    private final UsageTracker usage;
    private final NoticeStore notices;

    public TokenUsageWriter(Pool pool, UsageTracker usage, NoticeStore notices) {
        this.pool = pool;
        this.usage = usage;
        this.notices = notices;
    }

    @Scheduled(every = "${patgate.tokens.usage-flush-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduledFlush() {
        return flush();
    }

    public Uni<Void> flush() {
        Map<UUID, UsageTracker.Usage> changed = usage.drain();
        if (changed.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Tuple> rows = new ArrayList<>(changed.size());
        List<NoticeStore.Seen> seen = new ArrayList<>();
        changed.forEach((id, u) -> {
            rows.add(Tuple.of(id, OffsetDateTime.ofInstant(u.lastUsedAt(), ZoneOffset.UTC), u.lastUsedIp(), StateRows.recent(u.recent())));
            for (UsageTracker.Seen s : u.recent()) {
                // only what PostgreSQL's inet takes (no brackets, no zone): one bad cast would fail the whole flush
                if (Cidr.parseAddress(s.ip()).isPresent() && s.ip().indexOf('[') < 0) {
                    seen.add(new NoticeStore.Seen(id, s.ip(), s.at()));
                }
            }
        });
        // replicas write independently: keep the latest use, and merge the recent addresses each of them saw
        return pool.withTransaction(conn -> conn.preparedQuery("update access_token set"
                        + " last_used_ip = case when last_used_at is null or last_used_at <= $2 then $3 else last_used_ip end,"
                        + " last_used_at = greatest(last_used_at, $2),"
                        + " recent_ips = patgate_merge_recent($4, recent_ips)"
                        + " where id = $1").executeBatch(rows)
                        // the networks each token was used from, and a notice for each one new to it (see NoticeStore.seen)
                        .chain(() -> notices.seen(conn, seen)))
                .ifNoItem().after(Duration.ofSeconds(10)).fail()
                .invoke(() -> LOG.debugf("Wrote last-used data of %d tokens", rows.size()))
                .onFailure().invoke(e -> {
                    usage.putBack(changed.keySet());
                    LOG.warnf("Could not write last-used data of %d tokens, will retry: %s", rows.size(), e.toString());
                })
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    void onStop(@Observes @Priority(1) ShutdownEvent event) {
        try {
            flush().await().atMost(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            LOG.warnf("Last-used data of %d tokens was not written at shutdown: %s", usage.pending(), e.toString());
        }
    }
}
