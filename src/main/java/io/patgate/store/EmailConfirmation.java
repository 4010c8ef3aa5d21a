package io.patgate.store;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/**
 * Whether an account's notice address was confirmed by the link mailed to it. It is about one address: once the
 * account's address is another one, it confirms nothing. The link's secret is kept only as its SHA-256 digest.
 */
@Entity
@Table(name = "email_confirmation")
public class EmailConfirmation extends PanacheEntityBase {

    @Id
    @Column(name = "user_id")
    public UUID userId;

    /** The address this is about. */
    @Column(nullable = false, length = 254)
    public String email;

    @Column(name = "confirmed_at")
    public Instant confirmedAt;

    /** SHA-256 of the link's secret while a link is outstanding; null once used (a link works once). */
    @Column(name = "link_digest")
    public byte[] linkDigest;

    @Column(name = "link_expires_at")
    public Instant linkExpiresAt;

    /** When the last confirmation mail was accepted by the SMTP server. */
    @Column(name = "link_sent_at")
    public Instant linkSentAt;

    /** Whether this confirms {@code address} now. */
    public boolean confirms(String address) {
        return confirmedAt != null && address != null && address.equals(email);
    }
}
