package io.patgate.store;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** One notice on its way to one webhook or one mailbox: its state, attempts and the last answer. */
@Entity
@Table(name = "delivery")
public class Delivery extends PanacheEntityBase {

    public static final String PENDING = "pending";
    public static final String DELIVERED = "delivered";
    public static final String FAILED = "failed";

    @Id
    public UUID id;

    @Column(name = "notice_id", nullable = false)
    public UUID noticeId;

    @Column(name = "webhook_id")
    public UUID webhookId;

    @Column(length = 254)
    public String recipient;

    @Column(nullable = false, length = 16)
    public String state;

    @Column(nullable = false)
    public int attempts;

    @Column(name = "next_attempt_at")
    public Instant nextAttemptAt;

    @Column(name = "response_code")
    public Integer responseCode;

    @Column(name = "duration_ms")
    public Integer durationMs;

    @Column(length = 512)
    public String error;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "last_attempt_at")
    public Instant lastAttemptAt;

    @Column(name = "delivered_at")
    public Instant deliveredAt;

    @Column(name = "redelivery_of")
    public UUID redeliveryOf;

    /** Its notice's priority: higher ones are taken first (see {@link Notice#SECURITY}). */
    @Column(nullable = false)
    public short priority;

    /** A new delivery of {@code noticeId}, due now. */
    public static Delivery due(UUID noticeId, short priority, UUID webhookId, String recipient, Instant now) {
        Delivery d = new Delivery();
        d.id = UUID.randomUUID();
        d.noticeId = noticeId;
        d.webhookId = webhookId;
        d.recipient = recipient;
        d.state = PENDING;
        d.createdAt = now;
        d.nextAttemptAt = now;
        d.priority = priority;
        return d;
    }
}
