package io.patgate.identity;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * Tokens in a state no later use can change (revoked), or whose value has expired, remembered outside the working set
 * so that values cycled through on purpose do not cost a database read each; bounded. Part of {@link IdentityState}.
 */
final class FinalTokens {

    private final Map<UUID, TokenState> finals;

    /** @param maxFinals how many revoked or expired tokens outside the working set are remembered */
    FinalTokens(long maxFinals) {
        this.finals = com.github.benmanes.caffeine.cache.Caffeine.newBuilder()
                .maximumSize(maxFinals)
                .executor(Runnable::run)
                .<UUID, TokenState>build()
                .asMap();
    }

    TokenState get(UUID id) {
        return finals.get(id);
    }

    /**
     * Keeps a revoked token, or one past its expiry; any newer copy replaces the remembered one, and one that is final
     * no longer (a regeneration of an expired token) removes it.
     */
    void remember(TokenState token) {
        boolean isFinal = token.isRevoked() || token.isExpiredAt(Instant.now());
        finals.compute(token.id(), (id, old) -> {
            if (old != null && token.version() < old.version()) {
                return old;
            }
            return isFinal ? token : null;
        });
    }

    void clear() {
        finals.clear();
    }
}
