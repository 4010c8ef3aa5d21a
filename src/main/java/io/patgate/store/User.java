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
 * An account: a person, who signs in, or a service account, which nobody signs in as (its tokens belong to it, so a
 * pipeline outlives whoever made it). Passwords are kept only as Argon2id PHC strings.
 */
@Entity
@Table(name = "app_user")
public class User extends PanacheEntityBase {

    /** {@link #kind} of an account a person signs in to. */
    public static final String PERSON = "person";
    /** {@link #kind} of a service account. */
    public static final String SERVICE = "service";
    /** The password hash of a service account: no PHC string, so no password ever matches it. */
    public static final String NO_PASSWORD = "!service-account";

    /** Raised on every update (see V8__row_versions.sql): the in-memory state never takes an older copy over a newer one. */
    @Version
    @Column(name = "row_version", nullable = false)
    public long rowVersion;

    @Id
    public UUID id;

    @Column(nullable = false, length = 64)
    public String username;

    @Column(name = "password_hash", nullable = false)
    public String passwordHash;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(nullable = false, columnDefinition = "text[]")
    public String[] roles;

    @Column(nullable = false)
    public boolean disabled;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /** Sessions issued before this are refused (set on a password change and on disabling). */
    @Column(name = "sessions_not_before")
    public Instant sessionsNotBefore;

    /** The one session that survives {@link #sessionsNotBefore}: the one that changed its own password. */
    @Column(name = "kept_session")
    public UUID keptSession;

    /** Where notices are emailed; null for none. */
    @Column(length = 254)
    public String email;

    /** Which notices are emailed: {@code expiring}, {@code new-address}, {@code revoked}. */
    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(name = "email_notices", nullable = false, columnDefinition = "text[]")
    public String[] emailNotices = {"expiring", "new-address", "revoked"};

    /** {@link #PERSON} or {@link #SERVICE}. */
    @Column(nullable = false, length = 16)
    public String kind = PERSON;

    /** What a service account is for; null for people. */
    @Column(length = 256)
    public String description;

    /** Deleted accounts are kept, so their tokens can still be shown as revoked with reason user-deleted. */
    @Column(name = "deleted_at")
    public Instant deletedAt;

    /** {@link #origin} of an account made in patgate itself (it signs in with a password). */
    public static final String LOCAL = "local";
    /** {@link #origin} of an account made by its first sign-in through the organisation's OpenID provider. */
    public static final String SSO = "sso";
    /** {@link #origin} of an account provisioned by the identity provider's SCIM client. */
    public static final String SCIM = "scim";

    /** {@link #LOCAL}, {@link #SSO} or {@link #SCIM}: where the account comes from (see V15__external_identity.sql). */
    @Column(nullable = false, length = 8)
    public String origin = LOCAL;

    /** The OpenID issuer of the identity this account is linked to; null when none. */
    @Column(name = "idp_issuer", length = 2048)
    public String idpIssuer;

    /** The OpenID {@code sub} of the identity this account is linked to; null when none. */
    @Column(name = "idp_subject", length = 255)
    public String idpSubject;

    /** SCIM's {@code externalId}: the provider's own id for the person; null when not provisioned by SCIM. */
    @Column(name = "scim_external_id", length = 255)
    public String scimExternalId;

    public boolean isService() {
        return SERVICE.equals(kind);
    }
}
