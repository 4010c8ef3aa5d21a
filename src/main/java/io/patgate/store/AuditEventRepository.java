package io.patgate.store;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class AuditEventRepository implements PanacheRepositoryBase<AuditEvent, UUID> {

    /** Filters of {@code GET /api/v1/audit}; null fields do not filter. {@code userId} confines a non-admin to their own events. */
    public record Filter(UUID userId, UUID tokenId, String username, String action, Instant since, Instant until) {
    }

    private static final Sort NEWEST_FIRST = Sort.descending("at").and("id", Sort.Direction.Descending);

    public Uni<List<AuditEvent>> page(Filter filter, int page, int size) {
        Query q = query(filter);
        return find(q.where, NEWEST_FIRST, q.params).page(page, size).list();
    }

    public Uni<Long> count(Filter filter) {
        Query q = query(filter);
        return count(q.where, q.params);
    }

    private record Query(String where, Parameters params) {
    }

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
