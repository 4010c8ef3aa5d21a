package io.patgate.config;

import io.smallrye.config.WithDefault;
import java.util.Optional;

/** The {@code patgate.tokens.*} settings, a group of {@link PatgateConfig}. */
public interface TokensConfig {
    /** Longest lifetime a token may be given. */
    @WithDefault("P365D")
    java.time.Duration maxLifetime();

    /** Lifetime of a token created without an expiry. */
    @WithDefault("P30D")
    java.time.Duration defaultLifetime();

    /** Whether tokens may be created with {@code "neverExpires": true}. */
    @WithDefault("false")
    boolean allowNonExpiring();

    /** Active (neither revoked nor expired) tokens one user may hold; beyond that, 422. */
    @WithDefault("50")
    int maxPerUser();

    /** How often last-used data gathered in memory is written to the database, in one transaction. */
    @WithDefault("5S")
    java.time.Duration usageFlushInterval();

    /**
     * A token's stored last use is rewritten only once the last use moved this far past it (a use from a network new
     * to the token is written at once): the primary's usage writes are at most one per token per step, however many
     * replicas and requests. Another replica's view of a use lags by at most this plus the flush interval (5 s + 5 s:
     * the API's "within 10 seconds"). Zero writes every change, as before.
     */
    @WithDefault("5S")
    java.time.Duration usageStep();

    /**
     * Revoke (reason {@code unused}) a token not used for this long, or never used this long after its creation,
     * after a {@code token.expiring} notice 7 days before. Unset (the default): tokens are never retired.
     */
    Optional<java.time.Duration> retireUnusedAfter();
}
