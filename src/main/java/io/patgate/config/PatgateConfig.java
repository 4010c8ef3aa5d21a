package io.patgate.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Every {@code patgate.*} setting, with its default. docs/configuration.md lists them all ({@code ConfigurationReferenceTest} holds the two together).
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

    Datasource datasource();

    /** Where the change-feed rounds and cold token reads go, beside the primary ({@code quarkus.datasource.*}). */
    interface Datasource {
        /**
         * A reactive URL ({@code postgresql://host:port/db}) of one hot standby, near this replica, for the rounds
         * and cold reads; the primary's credentials are used unless the URL carries its own. Unset: the primary. A
         * token the standby does not know yet is looked up on the primary before it is refused.
         */
        Optional<String> readUrl();
    }

    /**
     * OpenID providers, in two roles. (1) Outside issuers whose tokens service accounts trust for the RFC 8693 exchange:
     * their discovery documents and key sets are read through the webhooks' request-forgery guard, with the limits below.
     * (2) The organisation's own provider people sign in to the web page through ({@link #issuer()} and the settings after
     * it; see docs/sso.md). {@link #allowInsecure()}, {@link #fetchTimeout()} and {@link #clockSkew()} apply to both.
     */
    interface Oidc {
        /**
         * Whether issuers (their discovery documents and {@code jwks_uri}) may be plain {@code http} and on loopback,
         * link-local or private addresses. For dev and tests only: off, an issuer must be {@code https} on a public address
         * (the sign-in provider, set by the operator, must be {@code https} but may sit on a private network).
         */
        @WithDefault("false")
        boolean allowInsecure();

        /** The longest a read of an issuer's discovery document or key set may take, connecting included. */
        @WithDefault("5S")
        Duration fetchTimeout();

        /** The largest discovery document or key set read; a larger answer is refused as soon as it is seen to be larger. */
        @WithDefault("262144")
        int maxDocumentBytes();

        /** At most one read of an issuer's keys this often (an unknown {@code kid} triggers one, a flood of them no more). */
        @WithDefault("30S")
        Duration keysRefreshFloor();

        /** Keys read this long ago are read again on their next use (in the background; the ones held serve meanwhile). */
        @WithDefault("1H")
        Duration keysRefreshInterval();

        /**
         * Keys read this long ago are no longer used: an issuer that cannot be reached for longer has its tokens
         * refused ({@code invalid_grant}) until it can be again.
         */
        @WithDefault("24H")
        Duration keysMaxAge();

        /** How far the clocks of patgate and an issuer may disagree when {@code exp}, {@code nbf} and {@code iat} are judged. */
        @WithDefault("30S")
        Duration clockSkew();

        /**
         * The issuer URL of the organisation's OpenID provider ({@code PATGATE_OIDC_ISSUER}), whose discovery document is
         * {@code <issuer>/.well-known/openid-configuration}. Unset (the default): no single sign-on.
         */
        Optional<String> issuer();

        /** The client id patgate is registered under at the provider. Required with {@link #issuer()}. */
        Optional<String> clientId();

        /** The client secret (sent as {@code client_secret_basic}, or {@code _post} if that is all the provider takes). Unset: a public client (PKCE only). */
        Optional<String> clientSecret();

        /** The provider's name on the sign-in page's button, {@code Sign in with <display name>}. */
        @WithDefault("single sign-on")
        String displayName();

        /** The ID token claim that gives the patgate username. */
        @WithDefault("preferred_username")
        String usernameClaim();

        /** The ID token claim (a list of strings, or one string) whose values become the account's roles at each sign-in. */
        @WithDefault("groups")
        String rolesClaim();

        /**
         * {@code group=role,...}: a group named here becomes the role it is mapped to (say {@code /patgate-admins=admin});
         * any other group becomes a role of its own name. Unset: every group as it is.
         */
        Optional<String> roleMapping();

        /**
         * The redirect URI registered at the provider. Default: {@code patgate.notices.public-url} followed by
         * {@code /auth/oidc/callback}. Never taken from a request's {@code Host}.
         */
        Optional<String> redirectUri();

        /**
         * {@link #allowInsecure()} for the sign-in provider alone. Unset (the default): the same as {@link #allowInsecure()}.
         * Lets tests and a dev machine run a plain-http provider while the exchange still insists on https.
         */
        Optional<Boolean> signInAllowInsecure();
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

        /**
         * How long notices and their delivery history are kept. The notices, deliveries and recorded networks of a token
         * revoked or expired longer ago than this go too, whatever is still pending for them.
         */
        @WithDefault("P30D")
        java.time.Duration retention();

        /**
         * The address people reach patgate's web page at, such as {@code https://patgate.example.com}: the links in
         * confirmation mails point there. Never taken from a request's {@code Host}. Unset: no mail is sent.
         */
        Optional<String> publicUrl();

        /** How long the link of a confirmation mail works (once). */
        @WithDefault("24H")
        java.time.Duration confirmationLinkLifetime();

        /**
         * Confirmation mails a day, at most, per account and per recipient address (a recipient counted without any
         * {@code +tag} and case): setting someone's address again and again cannot bomb them with mail.
         */
        @WithDefault("3")
        int confirmationMailsPerDay();

        /** Mails of any kind a recipient address gets in a day, at most (counted across replicas); further notices are not mailed. */
        @WithDefault("50")
        int mailsPerRecipientPerDay();

        /**
         * Routine notices raised per account and hour, at most, for each kind: revocations by the owner themselves,
         * and first uses from a new network. Beyond that they are dropped, with one audit event
         * ({@code notice.limited}) per account, kind and hour. Security notices (leak reports, revocations by an admin
         * or after a leak) are never dropped.
         */
        @WithDefault("20")
        int routinePerUserPerHour();

        /** Networks remembered per token, at most; beyond that, those seen longest ago are forgotten first. */
        @WithDefault("50")
        int maxNetworksPerToken();
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

    interface Login {
        /**
         * Whether people may sign in with a password ({@code PATGATE_LOGIN_PASSWORDS}). {@code false}, once single sign-on
         * works: password sign-in is refused (403) except for the break-glass accounts below.
         */
        @WithDefault("true")
        boolean passwords();

        /**
         * Local (password) accounts that keep password sign-in when {@link #passwords()} is {@code false}: the way in while
         * the provider is down or misconfigured. Default the first admin. Set it to a name no account has (say {@code none})
         * to have none.
         */
        @WithDefault("admin")
        List<String> breakGlassUsers();

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
