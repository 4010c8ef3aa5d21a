package io.patgate.config;

import io.smallrye.config.WithDefault;

/** The {@code patgate.oauth.*} settings, a group of {@link PatgateConfig}. */
public interface OauthConfig {
    /** RFC 7009 revocation reports allowed per client address (an IPv6 client by its /64) within {@link #reportWindow()}. */
    @WithDefault("20")
    int reportsAllowed();

    /** The window revocation reports are counted in. */
    @WithDefault("1M")
    java.time.Duration reportWindow();

    /** The longest a client address is refused (429) at a time once past the allowance. */
    @WithDefault("5M")
    java.time.Duration maxReportLock();

    /**
     * Refused token exchanges ({@code POST /oauth/token}) allowed per client address (an IPv6 client by its /64)
     * within {@link #exchangeWindow()}; past it, 429. Only refusals count: a fleet of jobs behind one address that
     * exchange good tokens is never held back.
     */
    @WithDefault("20")
    int exchangeFailuresAllowed();

    /** The window refused token exchanges are counted in. */
    @WithDefault("1M")
    java.time.Duration exchangeWindow();

    /** The longest a client address is refused token exchanges (429) at a time once past the allowance. */
    @WithDefault("5M")
    java.time.Duration maxExchangeLock();
}
