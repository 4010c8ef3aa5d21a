package io.patgate.store;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class AccessTokenRepository implements PanacheRepositoryBase<AccessToken, UUID> {

    /** What {@code ?status=} selects, as an HQL condition on the token and {@code :now}. */
    public enum Status {
        ACTIVE("revokedAt is null and (expiresAt is null or expiresAt > :now)"),
        EXPIRED("revokedAt is null and expiresAt <= :now"),
        REVOKED("revokedAt is not null"),
        ALL("1 = 1");

        final String condition;

        Status(String condition) {
            this.condition = condition;
        }
    }

    private static final Sort NEWEST_FIRST = Sort.descending("createdAt").and("id", Sort.Direction.Descending);

    public Uni<List<AccessToken>> page(UUID owner, Status status, Instant now, int page, int size) {
        return find(where(owner, status), NEWEST_FIRST, parameters(owner, status, now)).page(page, size).list();
    }

    public Uni<Long> count(UUID owner, Status status, Instant now) {
        return count(where(owner, status), parameters(owner, status, now));
    }

    public Uni<Long> countActive(UUID owner, Instant now) {
        return count(owner, Status.ACTIVE, now);
    }

    public Uni<Boolean> activeNameTaken(UUID owner, String name, Instant now) {
        return count("userId = :owner and name = :name and " + Status.ACTIVE.condition,
                Parameters.with("owner", owner).and("name", name).and("now", now)).map(n -> n > 0);
    }

    public Uni<List<AccessToken>> activeOf(UUID owner, Instant now) {
        return list("userId = :owner and " + Status.ACTIVE.condition, Parameters.with("owner", owner).and("now", now));
    }

    private static String where(UUID owner, Status status) {
        return (owner == null ? "" : "userId = :owner and ") + status.condition;
    }

    private static Parameters parameters(UUID owner, Status status, Instant now) {
        Parameters p = new Parameters();
        if (owner != null) {
            p = p.and("owner", owner);
        }
        if (status.condition.contains(":now")) {
            p = p.and("now", now);
        }
        return p;
    }
}
