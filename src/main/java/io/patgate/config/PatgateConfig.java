package io.patgate.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Every {@code patgate.*} setting, with its default. The README's configuration table mirrors this file.
 */
@ConfigMapping(prefix = "patgate")
public interface PatgateConfig {

    Admin admin();

    Session session();

    Password password();

    Memory memory();

    Keys keys();

    Http http();

    Tokens tokens();

    State state();

    Audit audit();

    Login login();

    Oauth oauth();

    Notices notices();

    Webhooks webhooks();

    Oidc oidc();

    interface Oidc {
        /**
         * Whether OpenID issuers may be plain {@code http} (and, where patgate fetches from one, on a local network): the
         * issuers of service accounts' trust entries. Off: {@code https} only. For development and tests.
         */
        @WithDefault("false")
        boolean allowInsecure();
    }

    interface Notices {
        /** Days before expiry at which {@code token.expiring} is raised, each at most once per expiry. */
        @WithDefault("30,7,1")
        List<Integer> expiringDays();

        /**
         * The {@code From} address of notice emails. Unset (the default): no email is sent. Set it with the SMTP
         * server ({@code QUARKUS_MAILER_HOST}, {@code _PORT}, {@code _USERNAME}, {@code _PASSWORD}, {@code _TLS}).
         */
        Optional<String> emailFrom();

        /** Of the expiring notices, those also emailed to the owner (days before expiry). */
        @WithDefault("7,1")
        List<Integer> emailExpiringDays();

        /** How often one replica looks for tokens that are expiring, expired or unused (time-based notices). */
        @WithDefault("1M")
        java.time.Duration scanInterval();

        /** How long notices and their delivery history are kept. */
        @WithDefault("P30D")
        java.time.Duration retention();
    }

    interface Webhooks {
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
    }

    interface Oauth {
        /** RFC 7009 revocation reports allowed per client address (an IPv6 client by its /64) within {@link #reportWindow()}. */
        @WithDefault("20")
        int reportsAllowed();

        /** The window revocation reports are counted in. */
        @WithDefault("1M")
        java.time.Duration reportWindow();

        /** The longest a client address is refused (429) at a time once past the allowance. */
        @WithDefault("5M")
        java.time.Duration maxReportLock();
    }

    interface Login {
        /** Failed logins allowed per username and per client address (an IPv6 client by its /64) within {@link #window()}. */
        @WithDefault("10")
        int allowedFailures();

        /** The window the failures are counted in. */
        @WithDefault("15M")
        java.time.Duration window();

        /**
         * The longest a username is locked at a time once past the allowance (each further failure doubles the
         * wait: 1, 2, 4... seconds). Short, so that failing on purpose cannot lock a real user out for long.
         */
        @WithDefault("1M")
        java.time.Duration maxUserLock();

        /** The longest a client address is locked at a time once past the allowance. */
        @WithDefault("15M")
        java.time.Duration maxAddressLock();

        /** Usernames and addresses tracked per replica at most (each table); the least used are forgotten first. */
        @WithDefault("100000")
        int maxTracked();
    }

    interface Audit {
        /** How long audit events are kept; older ones are deleted by an hourly job. */
        @WithDefault("P365D")
        java.time.Duration retention();
    }

    interface State {
        /**
         * How often each replica reconciles its in-memory state with the database, in case a change
         * notification was lost. The worst-case staleness of a replica that missed a notification.
         */
        @WithDefault("5S")
        java.time.Duration resyncInterval();

        /**
         * The longest this replica answers checks from state it could not bring up to date: past it (its
         * database unreachable while the others' may not be, so it could miss a revocation made elsewhere)
         * it fails closed, /auth/verify answers 503, other checks 401, and readiness goes down, until a
         * sync succeeds again. A whole-cluster database outage shorter than this keeps working as usual.
         */
        @WithDefault("5M")
        java.time.Duration maxStaleness();

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
         * Verified sessions remembered by digest, at most, so a repeat request skips the signature check; the least
         * used are forgotten first (a forgotten one costs one verification, nothing else).
         */
        @WithDefault("200000")
        int maxRememberedSessions();
    }

    interface Tokens {
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
         * Revoke (reason {@code unused}) a token not used for this long, or never used this long after its creation,
         * after a {@code token.expiring} notice 7 days before. Unset (the default): tokens are never retired.
         */
        Optional<java.time.Duration> retireUnusedAfter();
    }

    interface Admin {
        /**
         * Password of the {@code admin} account created on the first start with an empty database.
         * When unset, a random one is generated and printed once to the log.
         */
        Optional<String> password();
    }

    interface Session {
        /** Lifetime of the session JWT that login returns. */
        @WithDefault("8H")
        Duration lifetime();
    }

    interface Memory {
        /**
         * Once heap-growing work (password hashing, start-up) has been over for this long, one full garbage collection
         * gives the heap it grew by back to the system; these take at most 1 % of the time. 0 turns it off.
         */
        @WithDefault("5S")
        Duration returnAfter();
    }

    interface Password {
        /** Argon2id memory cost in KiB (OWASP 2023 minimum: 19 MiB). */
        @WithDefault("19456")
        int memoryKib();

        /** Argon2id iterations. */
        @WithDefault("2")
        int iterations();

        /** Argon2id parallelism (lanes). */
        @WithDefault("1")
        int parallelism();

        /**
         * Password hashes run at once on this replica (each holds {@code memory-kib} of heap); further ones wait their
         * turn, up to half of {@code patgate.http.request-timeout}, then get 503 busy. Default: the number of CPUs the JVM sees.
         */
        java.util.OptionalInt maxConcurrent();

        /** Shortest password accepted for an account (NIST SP 800-63B minimum). */
        @WithDefault("8")
        int minLength();
    }

    interface Keys {
        /**
         * Secret under which private signing keys are encrypted in the database (AES-256-GCM).
         * Required in production (a Kubernetes Secret); dev mode and tests generate or fix their own.
         * At least 32 characters: a database dump alone must not be enough to sign tokens.
         */
        Optional<@NotNull(message = "is not set: set PATGATE_KEYS_ENCRYPTION_SECRET to 32 or more random characters (e.g. `openssl rand -base64 32`)")
                @Size(min = 32, message = "is too short: set PATGATE_KEYS_ENCRYPTION_SECRET to 32 or more random characters (e.g. `openssl rand -base64 32`)")
                String> encryptionSecret();

        /** The JWT issuer ({@code iss}) of every token this service signs. */
        @WithDefault("patgate")
        String issuer();

        /**
         * Rotate the signing key automatically once it is this old (checked hourly). Unset: only by
         * {@code POST /api/v1/admin/keys/rotate}.
         */
        Optional<java.time.Duration> rotationInterval();

        /**
         * How long a new key is published in the JWKS before it signs, after a rotation: longer than
         * verifiers cache the key set ({@code Cache-Control: max-age=300}), so none of them meets a token
         * signed by a key it has not fetched. An incident rotation ({@code ?immediate=true}) skips it.
         */
        @WithDefault("10M")
        java.time.Duration publishAhead();
    }

    interface Http {
        /**
         * CIDRs of reverse proxies whose {@code Forwarded}/{@code X-Forwarded-For} headers are believed.
         * Default: none, so the client address is always the TCP peer and no client can spoof it.
         */
        Optional<List<String>> trustedProxies();

        /**
         * The one header the trusted proxies write the client's address into: {@code x-forwarded-for} (nginx,
         * Traefik, Envoy, HAProxy {@code option forwardfor}) or {@code forwarded} (RFC 7239). Never both: a
         * proxy passes the other one through from the client untouched, which would let the client choose.
         */
        @WithDefault("x-forwarded-for")
        ForwardedHeader forwardedHeader();

        enum ForwardedHeader {
            X_FORWARDED_FOR, FORWARDED
        }

        /**
         * Longest time an API request may take before it is answered 503 (a database that hangs rather
         * than refuses must not hold requests for the pool's whole connect timeout).
         */
        @WithDefault("10S")
        java.time.Duration requestTimeout();
    }
}
