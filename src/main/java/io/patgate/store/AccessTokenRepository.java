package io.patgate.store;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
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

    /** What {@code ?sort=} orders by (HQL); every order ends with the id, so pages never overlap. */
    public enum Order {
        /** Newest first (the default). */
        CREATED("createdAt desc, id desc"),
        /** Soonest expiry first; tokens that never expire last. */
        EXPIRES("expiresAt asc nulls last, id"),
        /** Most recently used first; never-used tokens last. */
        LAST_USED("lastUsedAt desc nulls last, id"),
        /** By name, A to Z, whatever the case. */
        NAME("lower(name), name, id");

        final String orderBy;

        Order(String orderBy) {
            this.orderBy = orderBy;
        }
    }

    /**
     * One page of tokens.
     *
     * @param owner  only this owner's tokens; null for everyone's
     * @param search only names containing this text (case-insensitive); null for any
     */
    public Uni<List<AccessToken>> page(
            UUID owner, Status status, String search, Order order, Instant now, int page, int size) {
        return find(where(owner, status, search) + " order by " + order.orderBy, parameters(owner, status, search, now))
                .page(page, size)
                .list();
    }

    public Uni<Long> count(UUID owner, Status status, String search, Instant now) {
        return count(where(owner, status, search), parameters(owner, status, search, now));
    }

    public Uni<Long> count(UUID owner, Status status, Instant now) {
        return count(owner, status, null, now);
    }

    public Uni<Long> countActive(UUID owner, Instant now) {
        return count(owner, Status.ACTIVE, now);
    }

    public Uni<Boolean> activeNameTaken(UUID owner, String name, Instant now) {
        return count(
                        "userId = :owner and name = :name and " + Status.ACTIVE.condition,
                        Parameters.with("owner", owner).and("name", name).and("now", now))
                .map(n -> n > 0);
    }

    /** The owner's active tokens, their rows locked until the transaction ends (they are about to be revoked). */
    public Uni<List<AccessToken>> activeOf(UUID owner, Instant now) {
        return find(
                        "userId = :owner and " + Status.ACTIVE.condition,
                        Parameters.with("owner", owner).and("now", now))
                .withLock(jakarta.persistence.LockModeType.PESSIMISTIC_WRITE)
                .list();
    }

    private static String where(UUID owner, Status status, String search) {
        return (owner == null ? "" : "userId = :owner and ")
                + (search == null ? "" : "lower(name) like :search escape '\\' and ")
                + status.condition;
    }

    private static Parameters parameters(UUID owner, Status status, String search, Instant now) {
        Parameters p = new Parameters();
        if (owner != null) {
            p = p.and("owner", owner);
        }
        if (search != null) {
            p = p.and("search", "%" + likeEscaped(search.toLowerCase(java.util.Locale.ROOT)) + "%");
        }
        if (status.condition.contains(":now")) {
            p = p.and("now", now);
        }
        return p;
    }

    /** The text as a literal inside a LIKE pattern: its own %, _ and \\ match only themselves. */
    static String likeEscaped(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    /** The token, its row locked until the transaction ends: changes to one token run one after the other. */
    public Uni<AccessToken> findForUpdate(UUID id) {
        return findById(id, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
    }

    /** The rows with these ids (any state). */
    public Uni<List<AccessToken>> byIds(List<UUID> ids) {
        return ids.isEmpty() ? Uni.createFrom().item(List.of()) : list("id in ?1", ids);
    }
}
