package io.patgate.token;

import io.patgate.identity.Digests;
import io.patgate.identity.TokenSigner;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

/**
 * Mints token values: a signed JWT with a random nonce, so two values of one token never repeat, and the
 * SHA-256 digest that is all the database ever keeps of it.
 */
@ApplicationScoped
public class TokenIssuer {

    /** Far enough to never matter; a never-expiring token's JWT still carries an exp (its state has none). */
    private static final Duration NEVER = Duration.ofDays(365L * 100);

    /** A new value, shown once, and the digest that is stored. */
    public record Issued(String value, byte[] digest) {}

    private final TokenSigner signer;
    private final SecureRandom random = new SecureRandom();

    public TokenIssuer(TokenSigner signer) {
        this.signer = signer;
    }

    /** @param expiresAt null for a token that never expires */
    public Issued issue(UUID tokenId, UUID userId, String username, Instant now, Instant expiresAt) {
        String value = signer.sign(
                TokenSigner.PAT_TYPE,
                tokenId,
                userId,
                username,
                now,
                expiresAt == null ? now.plus(NEVER) : expiresAt,
                nonce());
        return new Issued(value, Digests.sha256(value));
    }

    private String nonce() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
