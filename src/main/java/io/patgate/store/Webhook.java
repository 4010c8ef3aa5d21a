package io.patgate.store;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * A receiver of notices. Its secret is kept only encrypted ({@link KeyCipher}) and is never shown again; after a change,
 * the secret it replaced is kept (encrypted too) for the overlap in which deliveries carry both signatures.
 */
@Entity
@Table(name = "webhook")
public class Webhook extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(nullable = false, length = 2048)
    public String url;

    @Column(name = "secret_enc", nullable = false)
    public byte[] secretEnc;

    /**
     * The secret {@link #secretEnc} replaced, sealed the same way, which still signs deliveries (beside the current one)
     * until {@link #previousSecretUntil}; both null when there is none.
     */
    @Column(name = "previous_secret_enc")
    public byte[] previousSecretEnc;

    @Column(name = "previous_secret_until")
    public Instant previousSecretUntil;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(nullable = false, columnDefinition = "text[]")
    public String[] events;

    @Column(nullable = false)
    public boolean active;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Version
    @Column(name = "row_version", nullable = false)
    public long rowVersion;

    /** Failed attempts in a row (the breaker's count); written only by the deliverer's SQL ({@link NoticeStore#attempted}). */
    @Column(name = "consecutive_failures", nullable = false, insertable = false, updatable = false)
    public int consecutiveFailures;

    /** Until when the breaker holds this hook's deliveries; null when it is closed. Written only by the deliverer's SQL. */
    @Column(name = "breaker_open_until", insertable = false, updatable = false)
    public Instant breakerOpenUntil;
}
