package io.patgate.store;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.UUID;

/**
 * A trust entry of a service account: the signed identities (an OIDC issuer's JWTs for an audience, with a subject
 * and claims matching patterns) that may act as the account through the token exchange. Removed entries are kept,
 * marked, so the change feed carries their removal to every replica.
 */
@Entity
@Table(name = "service_account_trust")
public class TrustEntry extends PanacheEntityBase {

    /** Raised on every update: the in-memory copy never takes an older row over a newer one. */
    @Version
    @Column(name = "row_version", nullable = false)
    public long rowVersion;

    @Id
    public UUID id;

    @Column(name = "account_id", nullable = false)
    public UUID accountId;

    @Column(nullable = false, length = 2048)
    public String issuer;

    @Column(nullable = false, length = 512)
    public String audience;

    /** A pattern; null for any subject. */
    @Column(length = 512)
    public String subject;

    /** A JSON object, claim name to pattern. */
    @Column(nullable = false)
    public String claims;

    @Column(name = "max_ttl_seconds", nullable = false)
    public int maxTtlSeconds;

    /** The issuer's public keys (a JWKS document); null to use the issuer's discovery document. */
    public String jwks;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "created_by", nullable = false, length = 128)
    public String createdBy;

    @Column(name = "removed_at")
    public Instant removedAt;
}
