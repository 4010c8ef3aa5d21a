package io.patgate.store;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class UserRepository implements PanacheRepositoryBase<User, UUID> {

    public Uni<User> findByUsername(String username) {
        return find("lower(username) = lower(?1) and deletedAt is null", username).firstResult();
    }

    /** An account that exists and is not deleted; null otherwise. */
    public Uni<User> findLive(UUID id) {
        return find("id = ?1 and deletedAt is null", id).firstResult();
    }

    public Uni<Long> countLive() {
        return count("deletedAt is null");
    }

    public Uni<List<User>> page(int page, int size) {
        return find("deletedAt is null", Sort.by("createdAt").and("id")).page(page, size).list();
    }

    /** Enabled accounts holding the admin role, other than {@code except}. */
    public Uni<Long> countOtherEnabledAdmins(UUID except) {
        return count("disabled = false and deletedAt is null and id <> ?1 and array_contains(roles, 'admin')", except);
    }
}
