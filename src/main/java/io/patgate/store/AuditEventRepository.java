package io.patgate.store;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The append-only audit log: appended to inside the transaction of the change it records, read by the
 * audit API, and pruned past {@code patgate.audit.retention} (the only deletion its trigger allows).
 */
@ApplicationScoped
public class AuditEventRepository implements PanacheRepositoryBase<AuditEvent, UUID> {

    private final Pool pool;

    public AuditEventRepository(Pool pool) {
        this.pool = pool;
    }

    /** Appends {@code entry} in the current transaction (see {@link Transactions}). */
    public Uni<Void> append(AuditEntry entry) {
        return persist(entry.entity()).replaceWithVoid();
    }

    /** Appends {@code entry} on a connection whose transaction the caller holds (the store's own SQL paths). */
    Uni<Void> append(SqlConnection conn, AuditEntry entry) {
        return conn.preparedQuery(AuditEntry.INSERT).execute(entry.row()).replaceWithVoid();
    }

    /** Appends many entries in one transaction of their own (events noted off the request path). */
    public Uni<Void> appendAll(List<AuditEntry> entries) {
        List<Tuple> rows = entries.stream().map(AuditEntry::row).toList();
        return pool.withTransaction(
                        conn -> conn.preparedQuery(AuditEntry.INSERT).executeBatch(rows))
                .replaceWithVoid();
    }

    /** Deletes the events from before {@code cutoff}; announced for this transaction only, so the trigger lets it through. */
    public Uni<Integer> pruneBefore(Instant cutoff) {
        return pool.withTransaction(conn -> conn.query("select set_config('patgate.audit_prune', 'on', true)")
                        .execute()
                        .chain(() -> conn.preparedQuery("delete from audit_event where at < $1")
                                .execute(Tuple.of(
                                        java.time.OffsetDateTime.ofInstant(cutoff, java.time.ZoneOffset.UTC)))))
                .map(rows -> rows.rowCount());
    }

    /** Filters of {@code GET /api/v1/audit}; null fields do not filter. {@code userId} confines a non-admin to their own events. */
    public record Filter(UUID userId, UUID tokenId, String username, String action, Instant since, Instant until) {}

    private static final Sort NEWEST_FIRST = Sort.descending("at").and("id", Sort.Direction.Descending);

    public Uni<List<AuditEvent>> page(Filter filter, int page, int size) {
        Query q = query(filter);
        return find(q.where, NEWEST_FIRST, q.params).page(page, size).list();
    }

    public Uni<Long> count(Filter filter) {
        Query q = query(filter);
        return count(q.where, q.params);
    }

    private record Query(String where, Parameters params) {}

    private static Query query(Filter f) {
        List<String> where = new ArrayList<>();
        Parameters p = new Parameters();
        if (f.userId() != null) {
            where.add("userId = :user");
            p = p.and("user", f.userId());
        }
        if (f.tokenId() != null) {
            where.add("tokenId = :token");
            p = p.and("token", f.tokenId());
        }
        if (f.username() != null) {
            where.add("lower(username) = lower(:username)");
            p = p.and("username", f.username());
        }
        if (f.action() != null) {
            where.add("action = :action");
            p = p.and("action", f.action());
        }
        if (f.since() != null) {
            where.add("at >= :since");
            p = p.and("since", f.since());
        }
        if (f.until() != null) {
            where.add("at < :until");
            p = p.and("until", f.until());
        }
        return new Query(where.isEmpty() ? "1 = 1" : String.join(" and ", where), p);
    }
}
