package io.patgate.identity;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The working set of tokens, bounded ({@code patgate.state.max-tokens}, the least used evicted first), with the index
 * from the digest of each held token's values to its id; eviction also forgets the token's digests. Each token and its
 * index entries change in one step (inside the map's compute). Part of {@link IdentityState}.
 */
final class TokenWorkingSet {

    private final Map<UUID, TokenState> tokens;
    /** Digest of a token value (current or, in its grace period, previous) to the token's id. */
    private final Map<ByteBuffer, UUID> tokensByDigest = new ConcurrentHashMap<>();

    TokenWorkingSet(long maxTokens) {
        this.tokens = com.github.benmanes.caffeine.cache.Caffeine.newBuilder()
                .maximumSize(maxTokens)
                .executor(Runnable::run) // evict on the writer's thread: the bound holds without a lag
                .<UUID, TokenState>evictionListener((id, token, cause) -> {
                    if (token != null) {
                        forgetDigest(token.digest(), null);
                        forgetDigest(token.previousDigest(), null);
                    }
                })
                .build()
                .asMap();
    }

    TokenState get(UUID id) {
        return tokens.get(id);
    }

    /** The token whose current or previous value has this digest, or null. */
    TokenState byDigest(ByteBuffer digest) {
        UUID id = tokensByDigest.get(digest);
        return id == null ? null : tokens.get(id);
    }

    boolean holds(UUID id) {
        return tokens.containsKey(id);
    }

    Set<UUID> ids() {
        return tokens.keySet();
    }

    int size() {
        return tokens.size();
    }

    /**
     * Replaces a token's state and its digest index in one step per token, so two updates of the same token racing
     * each other (the change feed and a local write) cannot leave an index entry of the loser behind.
     */
    void store(TokenState token) {
        tokens.compute(token.id(), (id, old) -> {
            if (old != null && token.version() < old.version()) {
                return old; // an older copy (a feed round that read the row before this replica's own write)
            }
            index(token);
            if (old != null) {
                forgetDigest(old.digest(), token);
                forgetDigest(old.previousDigest(), token);
            }
            return token;
        });
    }

    /** Holds the token unless one with its id is held already; whether it was added. */
    boolean putIfAbsent(TokenState token) {
        boolean[] added = {false};
        tokens.compute(token.id(), (id, held) -> {
            if (held != null) {
                return held;
            }
            index(token);
            added[0] = true;
            return token;
        });
        return added[0];
    }

    /** Indexes the token's current value and, in its grace period, its previous one. */
    private void index(TokenState token) {
        tokensByDigest.put(token.digest(), token.id());
        if (token.previousDigest() != null) {
            tokensByDigest.put(token.previousDigest(), token.id());
        }
    }

    void remove(UUID id) {
        tokens.computeIfPresent(id, (key, old) -> {
            forgetDigest(old.digest(), null);
            forgetDigest(old.previousDigest(), null);
            return null;
        });
    }

    private void forgetDigest(ByteBuffer digest, TokenState current) {
        if (digest != null
                && (current == null || !digest.equals(current.digest()) && !digest.equals(current.previousDigest()))) {
            tokensByDigest.remove(digest);
        }
    }
}
