package io.patgate.store;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A single sign-on under way (see V16__sso_sign_in.sql): used once, by the browser that started it, within minutes. */
@Entity
@Table(name = "sso_login")
public class SsoLogin extends PanacheEntityBase {

    /** SHA-256 (hex) of the {@code state} sent to the provider. */
    @Id
    @Column(name = "state_digest", length = 64)
    public String stateDigest;

    /** SHA-256 (hex) of the browser's sign-in cookie. */
    @Column(name = "browser_digest", nullable = false, length = 64)
    public String browserDigest;

    @Column(nullable = false, length = 128)
    public String nonce;

    /** The PKCE code verifier (RFC 7636), sent with the code. */
    @Column(name = "code_verifier", nullable = false, length = 128)
    public String codeVerifier;

    /** The same-origin path the page goes to once signed in. */
    @Column(name = "return_to", nullable = false, length = 512)
    public String returnTo;

    @Column(name = "expires_at", nullable = false)
    public Instant expiresAt;
}
