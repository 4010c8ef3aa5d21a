package io.patgate.store;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A finished single sign-on whose session the page has not collected yet (see V16__sso_sign_in.sql). */
@Entity
@Table(name = "sso_handoff")
public class SsoHandoff extends PanacheEntityBase {

    /** SHA-256 (hex) of the one-time code the page was given. */
    @Id
    @Column(name = "code_digest", length = 64)
    public String codeDigest;

    @Column(name = "user_id", nullable = false)
    public UUID userId;

    @Column(name = "return_to", nullable = false, length = 512)
    public String returnTo;

    @Column(name = "expires_at", nullable = false)
    public Instant expiresAt;
}
