package io.patgate.identity;

import java.nio.ByteBuffer;

/**
 * What the per-request check ({@link CredentialVerifier}) says about a credential: the one contract every entry point
 * (the API's authentication, {@code /auth/verify}, {@code /oauth/introspect}) answers from.
 *
 * <ul>
 *   <li>{@link Accepted}: good now, and who it is;</li>
 *   <li>{@link Refused}: not good now, and why (the kind of credential as far as the check got, and the outcome counted in
 *   {@code patgate_checks_total}); an entry point answers 401 for every outcome but {@link CheckMetrics.Outcome#UNAVAILABLE}
 *   (this replica's state is too old to judge anything: 503, fail closed);</li>
 *   <li>{@link NeedsRead}: a validly signed token memory does not hold; {@link CredentialVerifier#read} judges it after one
 *   shared database read, into one of the other two.</li>
 * </ul>
 */
public sealed interface Verdict {

    record Accepted(Caller caller) implements Verdict {}

    record Refused(CheckMetrics.Kind kind, CheckMetrics.Outcome outcome) implements Verdict {

        /** Not judged at all: this replica's state is too old (503 state-stale, not 401). */
        public boolean unavailable() {
            return outcome == CheckMetrics.Outcome.UNAVAILABLE;
        }
    }

    /**
     * A token we signed that this replica does not hold (created on another replica a moment ago, outside the working set,
     * or gone for good). Only {@link CredentialVerifier} makes one; nothing was counted for it yet.
     *
     * @param request   the credential as presented; for introspection's token asked about, without a client address
     * @param presented whether its client presented it for its own request (fence applied, use recorded)
     * @param startedNanos when the check began (its duration includes the read)
     */
    record NeedsRead(
            CredentialRequest request,
            boolean presented,
            JwsVerifier.Verified verified,
            ByteBuffer digest,
            long startedNanos)
            implements Verdict {}
}
