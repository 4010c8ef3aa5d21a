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

    public Uni<Webhook> findForUpdate(UUID id) {
        return findById(id, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
    }
}
