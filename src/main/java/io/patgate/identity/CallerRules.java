package io.patgate.identity;

import io.patgate.identity.CheckMetrics.Kind;
import io.patgate.identity.CheckMetrics.Outcome;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The rules a recognised credential must pass now, against the state in memory: the part of the check after the
 * credential is known to be ours. One method per kind of credential, each giving {@link Verdict.Accepted} or
 * {@link Verdict.Refused}; nothing here counts metrics (the verifier does, once per check).
 */
final class CallerRules {

    private final IdentityState state;
    private final TrustState trusts;
    private final KeyRing keys;
    private final UsageTracker usage;
    private final ExpiredUses expiredUses;
    private final Duration sessionLifetime;

    CallerRules(
            IdentityState state,
            TrustState trusts,
            KeyRing keys,
            UsageTracker usage,
            ExpiredUses expiredUses,
            Duration sessionLifetime) {
        this.state = state;
        this.trusts = trusts;
        this.keys = keys;
        this.usage = usage;
        this.expiredUses = expiredUses;
        this.sessionLifetime = sessionLifetime;
    }

    private static Verdict refused(Kind kind, Outcome outcome) {
        return new Verdict.Refused(kind, outcome);
    }

    /**
     * A personal access token, in this order: a live value (the current one, or the previous one within its grace period),
     * not revoked, not expired, within its networks, its owner enabled; then the use is recorded.
     *
     * @param presented true when {@code clientAddress} presented it for its own request: its networks are applied to that
     *                  address and the use is recorded (an expired one is noted for the audit log)
     */
    Verdict personalToken(TokenState token, ByteBuffer digest, String clientAddress, boolean presented, Instant now) {
        if (!CredentialVerifier.isLiveValue(token, digest, now)) {
            return refused(Kind.PAT, Outcome.REVOKED); // a regenerated token's old value, past its grace period
        }
        if (token.isRevoked()) {
            return refused(Kind.PAT, Outcome.REVOKED);
        }
        if (token.isExpiredAt(now)) {
            if (presented) {
                expiredUses.note(token.id(), token.userId(), clientAddress, now);
            }
            return refused(Kind.PAT, Outcome.EXPIRED);
        }
        if (presented && !token.allows(clientAddress)) {
            return refused(Kind.PAT, Outcome.OUTSIDE_NETWORKS);
        }
        IdentityState.UserState owner = state.user(token.userId());
        if (owner == null || owner.disabled()) {
            return refused(Kind.PAT, Outcome.OWNER_DISABLED);
        }
        if (presented) {
            usage.record(token.id(), clientAddress, now);
        }
        return new Verdict.Accepted(new Caller(
                owner.id(),
                owner.username(),
                owner.roles(),
                Caller.AuthMethod.PAT,
                token.id(),
                token.scopes(),
                token.issuedAt(),
                token.expiresAt(),
                token.allowedCidrs(),
                digest));
    }

    /** A session: not logged out, plausible for its key and lifetime ({@link SessionRules}), its account enabled and not cut. */
    Verdict session(JwsVerifier.Verified v, Instant now) {
        if (state.isSessionRevoked(v.jti())) {
            return refused(Kind.SESSION, Outcome.REVOKED);
        }
        if (!SessionRules.plausible(v, keys.verificationKey(v.kid()), sessionLifetime, now)) {
            return refused(Kind.SESSION, Outcome.FORGED);
        }
        IdentityState.UserState user = state.user(v.subject());
        if (user == null || user.disabled() || !user.admitsSession(v.jti(), v.issuedAt())) {
            return refused(Kind.SESSION, Outcome.OWNER_DISABLED);
        }
        return new Verdict.Accepted(new Caller(
                user.id(),
                user.username(),
                user.roles(),
                Caller.AuthMethod.SESSION,
                v.jti(),
                null,
                v.issuedAt(),
                v.expiresAt(),
                List.of()));
    }

    /**
     * A token the exchange issued: it has no row; it lives while the trust entry it was issued under does and its service
     * account is enabled (both held in memory on every replica, kept current by the change feed), and no longer than its
     * own {@code exp} (judged before). Its scopes meet the account's roles now ({@link Caller#effectiveScopes}). The
     * account's session cut ends it too, as it ends sessions.
     */
    Verdict exchanged(JwsVerifier.Verified v) {
        WorkloadTrust trust = v.trust() == null ? null : trusts.trust(v.trust());
        if (trust == null || !trust.accountId().equals(v.subject())) {
            return refused(Kind.EXCHANGE, Outcome.REVOKED); // its trust was removed, or never was this account's
        }
        IdentityState.UserState account = state.user(v.subject());
        if (account == null || account.disabled() || !account.admitsSession(v.jti(), v.issuedAt())) {
            return refused(Kind.EXCHANGE, Outcome.OWNER_DISABLED);
        }
        return new Verdict.Accepted(new Caller(
                account.id(),
                account.username(),
                account.roles(),
                Caller.AuthMethod.EXCHANGE,
                v.jti(),
                v.scopes(),
                v.issuedAt(),
                v.expiresAt(),
                List.of()));
    }
}
