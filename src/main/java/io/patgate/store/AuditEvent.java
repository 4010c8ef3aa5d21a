package io.patgate.store;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** One entry of the append-only audit log. Never a token value or a password. */
@Entity
@Table(name = "audit_event")
public class AuditEvent extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(nullable = false)
    public Instant at;

    /** Who did it: a username, or {@code anonymous}, or {@code system}. */
    @Column(nullable = false, length = 128)
    public String actor;

    @Column(nullable = false, length = 64)
    public String action;

    /** The account the event is about; its owner may read it. */
    @Column(name = "user_id")
    public UUID userId;

    @Column(length = 64)
    public String username;

    @Column(name = "token_id")
    public UUID tokenId;

    @Column(length = 64)
    public String ip;

    @Column(nullable = false)
    public String detail;
}
