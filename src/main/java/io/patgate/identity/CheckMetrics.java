package io.patgate.identity;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * What the per-request check did, for the on-call: every check counted by the kind of credential and its
 * outcome ({@code patgate_checks_total{kind, outcome}}), how long the in-memory part took
 * ({@code patgate_check_duration_seconds}), and what is in memory ({@code patgate_state_*}). Labels come
 * from two small fixed sets: never a token value, an id or a user name. The counters are made once, so
 * counting costs an array look-up and an add.
 */
@Singleton // on the per-request path: no client proxy between the caller and it
@io.quarkus.runtime.Startup // its series exist from the start, at zero, not from the first check on
public class CheckMetrics {

    /** The kind of credential presented, as far as the check got to tell. */
    public enum Kind {
        PAT("pat"),
        SESSION("session"),
        /** A token the RFC 8693 exchange issued to a service account. */
        EXCHANGE("exchange"),
        /** Not one of ours: unparseable, or a signature that does not verify. */
        UNRECOGNISED("unrecognised");

        final String label;

        Kind(String label) {
            this.label = label;
        }

        public static Kind of(Caller caller) {
            return switch (caller.method()) {
                case SESSION -> SESSION;
                case EXCHANGE -> EXCHANGE;
                case PAT -> PAT;
            };
        }
    }

    /** Why a check ended as it did. */
    public enum Outcome {
        OK("ok"),
        /** Validly signed, but no such token (deleted, or from another installation). */
        UNKNOWN("unknown"),
        /**
         * Malformed, too long, or a signature that does not verify; also a credential where it is not accepted (a session,
         * or another user's token, as the password of HTTP Basic).
         */
        FORGED("forged"),
        /** A revoked token, a logged-out session, or a regenerated token's old value past its grace period. */
        REVOKED("revoked"),
        EXPIRED("expired"),
        /** The owner is disabled or deleted, or ended every session. */
        OWNER_DISABLED("owner_disabled"),
        OUTSIDE_NETWORKS("outside_networks"),
        /** Good, but without a scope that forward-auth asked for. */
        MISSING_SCOPE("missing_scope"),
        /** Not judged: this replica's state is too old, or the database could not be read for a cold token. */
        UNAVAILABLE("unavailable");

        final String label;

        Outcome(String label) {
            this.label = label;
        }
    }

    private final Map<Kind, Map<Outcome, Counter>> checks = new EnumMap<>(Kind.class);
    private final Timer duration;

    public CheckMetrics(MeterRegistry registry, IdentityState state, UsageTracker usage) {
        Gauge.builder("patgate.usage.backlog", usage, UsageTracker::pending)
                .description(
                        "Tokens whose last use is not yet written to the database (written every few seconds; grows while it is away)")
                .register(registry);
        for (Kind kind : Kind.values()) {
            Map<Outcome, Counter> byOutcome = new EnumMap<>(Outcome.class);
            for (Outcome outcome : Outcome.values()) {
                byOutcome.put(
                        outcome,
                        Counter.builder("patgate.checks")
                                .description("Credential checks, by kind of credential and outcome")
                                .tag("kind", kind.label)
                                .tag("outcome", outcome.label)
                                .register(registry));
            }
            checks.put(kind, byOutcome);
        }
        this.duration = Timer.builder("patgate.check.duration")
                .description("Time the in-memory check of a credential took (a cold token's database read included)")
                .serviceLevelObjectives(
                        Duration.ofNanos(20_000),
                        Duration.ofNanos(50_000),
                        Duration.ofNanos(100_000),
                        Duration.ofNanos(250_000),
                        Duration.ofMillis(1),
                        Duration.ofMillis(5),
                        Duration.ofMillis(25),
                        Duration.ofMillis(100),
                        Duration.ofMillis(500),
                        Duration.ofSeconds(2))
                .register(registry);
        Gauge.builder("patgate.state.tokens", state, IdentityState::tokenCount)
                .description("Tokens in this replica's memory (the working set)")
                .register(registry);
        Gauge.builder("patgate.state.users", state, IdentityState::userCount)
                .description("Accounts in this replica's memory")
                .register(registry);
        Gauge.builder("patgate.state.revoked.sessions", state, IdentityState::revokedSessionCount)
                .description("Logged-out sessions remembered until their JWT expires")
                .register(registry);
    }

    /** Counts a verdict an entry point adds after an accepted check ({@link Outcome#MISSING_SCOPE}), without a duration. */
    public void count(Kind kind, Outcome outcome) {
        checks.get(kind).get(outcome).increment();
    }

    /**
     * Counts a check that ended with {@code outcome}, and records how long it took since {@code startedNanos}: called by
     * {@link CredentialVerifier} alone, once per check, whatever the entry point.
     */
    void finished(Kind kind, Outcome outcome, long startedNanos) {
        count(kind, outcome);
        duration.record(System.nanoTime() - startedNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }
}
