package io.patgate.store;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class DeliveryRepository implements PanacheRepositoryBase<Delivery, UUID> {

    private static final Sort NEWEST_FIRST = Sort.descending("createdAt").and("id", Sort.Direction.Descending);

    public Uni<List<Delivery>> pageOfHook(UUID webhookId, int page, int size) {
        return find("webhookId = ?1", NEWEST_FIRST, webhookId).page(page, size).list();
    }

    public Uni<Long> countOfHook(UUID webhookId) {
        return count("webhookId = ?1", webhookId);
    }

    /** The delivery, if it belongs to {@code webhookId}. */
    public Uni<Delivery> findOfHook(UUID webhookId, UUID id) {
        return find("id = :id and webhookId = :hook", Parameters.with("id", id).and("hook", webhookId))
                .firstResult();
    }
}
