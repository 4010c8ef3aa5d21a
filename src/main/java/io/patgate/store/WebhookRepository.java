package io.patgate.store;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class WebhookRepository implements PanacheRepositoryBase<Webhook, UUID> {

    private static final Sort OLDEST_FIRST = Sort.by("createdAt").and("id");

    public Uni<List<Webhook>> page(int page, int size) {
        return findAll(OLDEST_FIRST).page(page, size).list();
    }

    /** The active hooks, each with the events it takes. */
    public Uni<List<Webhook>> active() {
        return list("active = true", OLDEST_FIRST);
    }

    /** Closes the hook's circuit breaker (an admin changed the hook: the next delivery is tried at once). */
    public Uni<Void> closeBreaker(Webhook hook) {
        hook.consecutiveFailures = 0;
        hook.breakerOpenUntil = null;
        return getSession()
                .chain(session -> session.createNativeQuery(
                                "update webhook set consecutive_failures = 0, breaker_open_until = null where id = ?1")
                        .setParameter(1, hook.id)
                        .executeUpdate())
                .replaceWithVoid();
    }

    public Uni<Webhook> findForUpdate(UUID id) {
        return findById(id, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
    }
}
