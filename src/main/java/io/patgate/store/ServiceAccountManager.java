package io.patgate.store;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A person who may manage a service account's tokens and trust. */
@Entity
@Table(name = "service_account_manager")
public class ServiceAccountManager extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "account_id", nullable = false)
    public UUID accountId;

    @Column(name = "manager_id", nullable = false)
    public UUID managerId;

    @Column(name = "added_at", nullable = false)
    public Instant addedAt;

    public static ServiceAccountManager of(UUID accountId, UUID managerId, Instant at) {
        ServiceAccountManager m = new ServiceAccountManager();
        m.id = UUID.randomUUID();
        m.accountId = accountId;
        m.managerId = managerId;
        m.addedAt = at;
        return m;
    }
}
