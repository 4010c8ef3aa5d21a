package io.patgate.config;

import io.smallrye.config.WithDefault;

/** The {@code patgate.state.*} settings, a group of {@link PatgateConfig}. */
public interface StateConfig {
    /**
     * How often each replica reconciles its in-memory state with the database unprompted, in case a ring of
     * the change feed was lost (its slot's connection away): the worst case while the feed is down.
     */
    @WithDefault("5S")
    java.time.Duration resyncInterval();

    /**
     * The bound on staleness: a revocation committed at t is never accepted after t + this (plus the clock
     * difference between this replica and the primary). Staleness is now minus the newest heartbeat (the
     * primary's clock, written every {@code heartbeat-interval}) that this replica's state includes; past the
     * bound it fails closed, /auth/verify answers 503, other checks 401, and readiness goes down, until a
     * round brings a newer beat. 10 s: one beat (1 s), a standby's usual replay lag (under 1 s), and two
     * rounds that each timed out (2 x 2 x database-timeout) before a healthy replica goes unready. A whole-
     * cluster database outage shorter than this keeps working as usual; a longer one fails closed.
     */
    @WithDefault("10S")
    java.time.Duration maxStaleness();

    /**
     * How often the primary's clock is written to the heartbeat row (by whichever replica comes first): the
     * resolution of every replica's staleness, which is now minus the newest beat its state includes.
     */
    @WithDefault("1S")
    java.time.Duration heartbeatInterval();

    /**
     * Tokens held in memory at most: the working set, the least used evicted first (about 500 bytes each). A
     * token not held is judged by one database read on its first use, then from memory. Start-up loads the
     * most recently used up to this many, so readiness does not wait for the whole table.
     */
    @WithDefault("100000")
    long maxTokens();

    /** How long a reconciliation or a token look-up may wait on the database before it counts as down. */
    @WithDefault("2S")
    java.time.Duration databaseTimeout();

    /**
     * After a validly signed token unknown to this replica was looked up in the database (found or not), how
     * long before it may be looked up again: a flood of such values costs one read per value per cool-down.
     */
    @WithDefault("10S")
    java.time.Duration lookupCoolDown();

    /** Tokens whose recent look-up is remembered (for the cool-down), at most; the least used are forgotten first. */
    @WithDefault("100000")
    int maxRememberedLookups();

    /**
     * Reads of tokens outside the working set that one client address (an IPv6 client by its /64) may cause per
     * minute; past it, its checks of such tokens get 429 with Retry-After until the minute is over. Tokens in memory,
     * and revoked or expired ones remembered after a read, cost no read and are not counted.
     */
    @WithDefault("300")
    int coldReadsPerAddress();

    /**
     * Verified sessions remembered by digest, at most, so a repeat request skips the signature check; the least
     * used are forgotten first (a forgotten one costs one verification, nothing else).
     */
    @WithDefault("200000")
    int maxRememberedSessions();
}
