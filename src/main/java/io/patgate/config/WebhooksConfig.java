package io.patgate.config;

import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Optional;

/** The {@code patgate.webhooks.*} settings, a group of {@link PatgateConfig}. */
public interface WebhooksConfig {
    /**
     * Whether webhook targets may be loopback, link-local or private addresses (checked when a hook is saved
     * and again, after DNS, before each delivery). Off: a hook cannot be pointed at the cluster's insides.
     */
    @WithDefault("false")
    boolean allowLocalNetwork();

    /** A delivery that has not been answered in this long has failed (and is retried). */
    @WithDefault("5S")
    java.time.Duration timeout();

    /** The wait before the first retry; each retry waits twice as long, at most {@link #maxRetryDelay()}. */
    @WithDefault("10S")
    java.time.Duration retryDelay();

    @WithDefault("1H")
    java.time.Duration maxRetryDelay();

    /** A delivery is retried for this long after its notice, then given up (admins can still redeliver it). */
    @WithDefault("P1D")
    java.time.Duration retryFor();

    /** How often each replica looks for deliveries that are due. */
    @WithDefault("1S")
    java.time.Duration pollInterval();

    /**
     * Failed attempts in a row after which a webhook's circuit breaker opens: its deliveries then wait (none is
     * given up for it) for {@link #breakerCoolDown()}, then one is tried; a success closes the breaker.
     */
    @WithDefault("5")
    int breakerFailures();

    /** How long an open breaker holds a webhook's deliveries before one is tried again. */
    @WithDefault("5M")
    java.time.Duration breakerCoolDown();

    /**
     * After a webhook's secret is changed, how long the secret it replaced still signs deliveries, beside the new
     * one, so a receiver can change over without refusing anything (Stripe and Svix keep both for a day too).
     * {@code 0}: the replaced secret stops at once.
     */
    @WithDefault("24H")
    java.time.Duration secretOverlap();

    /**
     * CIDRs no webhook may reach, on top of the built-in list of local and reserved networks (say your nodes'
     * or your cloud's service addresses). They apply even with {@link #allowLocalNetwork()}. Default: none.
     */
    Optional<List<String>> denyNetworks();
}
