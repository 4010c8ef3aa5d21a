package io.patgate.store;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/**
 * One row of the outbox: something that happened to a token, written in the transaction that made it happen
 * (or by the one replica that scanned for it), fanned out once to deliveries, never sent from a request.
 */
@Entity
@Table(name = "notice")
public class Notice extends PanacheEntityBase {

    /** The priority of routine notices. */
    public static final short ROUTINE = 0;
    /** The priority of security notices (a leak report, a revocation by an admin or after a leak): sent before routine ones. */
    public static final short SECURITY = 1;

    @Id
    public UUID id;

    @Column(nullable = false, length = 64)
    public String event;

    @Column(nullable = false)
    public Instant at;

    @Column(name = "token_id", nullable = false)
    public UUID tokenId;

    @Column(name = "user_id", nullable = false)
    public UUID userId;

    /** The event's own facts, a JSON object. */
    @Column(nullable = false)
    public String detail;

    @Column(length = 96)
    public String mark;

    public Instant basis;

    /** The delivery body, fixed when the notice is fanned out. */
    public String body;

    @Column(name = "dispatched_at")
    public Instant dispatchedAt;

    /** {@link #SECURITY} notices are fanned out and delivered before {@link #ROUTINE} ones. */
    @Column(nullable = false)
    public short priority;
}
