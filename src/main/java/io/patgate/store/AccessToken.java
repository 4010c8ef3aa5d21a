package io.patgate.store;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.Formula;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A personal access token: its metadata and the digest of its value, never the value. */
@Entity
@Table(name = "access_token")
public class AccessToken extends PanacheEntityBase {

    /** Raised on every update (see V8__row_versions.sql): the in-memory state never takes an older copy over a newer one. */
    @Version
    @Column(name = "row_version", nullable = false)
    public long rowVersion;

    @Id
    public UUID id;

    @Column(name = "user_id", nullable = false)
    public UUID userId;

    @Column(nullable = false, length = 64)
    public String name;

    @Column(length = 256)
    public String description;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(nullable = false, columnDefinition = "text[]")
    public String[] scopes;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(name = "allowed_cidrs", nullable = false, columnDefinition = "text[]")
    public String[] allowedCidrs;

    /** SHA-256 of the current value. */
    @Column(nullable = false)
    public byte[] digest;

    /** SHA-256 of the value before the last regeneration, accepted until {@link #previousValidUntil}. */
    @Column(name = "previous_digest")
    public byte[] previousDigest;

    @Column(name = "previous_valid_until")
    public Instant previousValidUntil;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /** When the current value was issued: creation, or the last regeneration. */
    @Column(name = "issued_at", nullable = false)
    public Instant issuedAt;

    /** Null for a token that never expires (only where patgate.tokens.allow-non-expiring is on). */
    @Column(name = "expires_at")
    public Instant expiresAt;

    @Column(name = "revoked_at")
    public Instant revokedAt;

    @Column(name = "revoked_reason", length = 32)
    public String revokedReason;

    /** When the token was last used, as stored (table {@code token_usage}, V19, written by {@code TokenUsageWriter}); read only. */
    @Formula("(select g.last_used_at from token_usage g where g.token_id = id)")
    public Instant lastUsedAt;

    @Formula("(select g.last_used_ip from token_usage g where g.token_id = id)")
    public String lastUsedIp;

    /** The last five distinct addresses, newest first, each "address|instant", separated by spaces (see {@link StateRows#recent(String)}). */
    @Formula("(select array_to_string(g.recent_ips, ' ') from token_usage g where g.token_id = id)")
    public String recentIps;

    /** Revokes this token as of {@code now}: its value and any previous value stop working. */
    public void revoke(io.patgate.domain.RevokeReason reason, Instant now) {
        revokedAt = now;
        revokedReason = reason.wire();
        previousDigest = null;
        previousValidUntil = null;
        updatedAt = now;
    }
}
