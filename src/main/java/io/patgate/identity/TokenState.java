package io.patgate.identity;

import io.patgate.domain.Cidr;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * A personal access token as the per-request check sees it. Immutable: a change replaces the whole state.
 *
 * @param issuedAt           when the current value was issued (its JWT {@code iat})
 * @param digest             SHA-256 of the current value
 * @param previousDigest     SHA-256 of the value before the last regeneration, or null
 * @param previousValidUntil until when that previous value is still accepted (the grace period)
 * @param version            the row's version: a copy with a lower one is older and never replaces this one
 */
public record TokenState(
        UUID id,
        UUID userId,
        Set<String> scopes,
        List<Cidr> allowedCidrs,
        Instant issuedAt,
        Instant expiresAt,
        Instant revokedAt,
        ByteBuffer digest,
        ByteBuffer previousDigest,
        Instant previousValidUntil,
        long version) {

    public boolean isRevoked() {
        return revokedAt != null;
    }

    public boolean isExpiredAt(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    /** Whether a request from {@code address} may use this token. */
    public boolean allows(String address) {
        if (allowedCidrs.isEmpty()) {
            return true;
        }
        var bytes = Cidr.parseAddress(address);
        return bytes.isPresent() && allowedCidrs.stream().anyMatch(c -> c.contains(bytes.get()));
    }
}
