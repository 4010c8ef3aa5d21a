package io.patgate.identity;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.patgate.config.PatgateConfig;
import io.patgate.identity.CheckMetrics.Kind;
import io.patgate.identity.CheckMetrics.Outcome;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * The per-request check of a bearer credential, in memory. Its contract is {@link Verdict}: {@link #check} and
 * {@link #describe} answer on the spot, accepted or refused, except for a validly signed token this replica does not
 * hold ({@link Verdict.NeedsRead}), which {@link #read} judges after one shared database read. Every check is counted
 * once, by {@link #finish}, whatever the entry point.
 *
 * <p>The order, so every entry point refuses alike: this replica's freshness (a stale state judges nothing:
 * {@code unavailable}); the value's length; its SHA-256 digest against the tokens in memory (one hash and one map
 * look-up, and a stolen signing key is not enough to mint a working token); else full verification ({@link JwsVerifier}:
 * shape, {@code alg}, {@code typ}, {@code kid}, signature), remembered by digest so a repeat skips the ECDSA work; the
 * key still trusted; {@code exp}; then the state's rules for that kind of credential ({@link CallerRules}). The
 * {@code Authorization} header itself is read before any of this, by the HTTP edge's {@code CredentialReader}.
 */
@Singleton // on the per-request path: no client proxy between the caller and it
public class CredentialVerifier {

    /** Longer than any JWT we sign by an order of magnitude; longer input is refused before any parsing. */
    public static final int MAX_TOKEN_LENGTH = 4096;

    private static final Verdict STALE = new Verdict.Refused(Kind.UNRECOGNISED, Outcome.UNAVAILABLE);
    private static final Verdict NOT_OURS = new Verdict.Refused(Kind.UNRECOGNISED, Outcome.FORGED);

    private final JwsVerifier jws;
    private final KeyRing keys;
    private final IdentityState state;
    private final TokenGapFiller gaps;
    private final Freshness freshness;
    private final Clock clock;
    private final CheckMetrics metrics;
    private final CallerRules rules;
    /** Verified values that the digests do not know (sessions, exchanged tokens) by digest; bounded, the least used forgotten first (it costs one re-verification). */
    private final Cache<ByteBuffer, JwsVerifier.Verified> remembered;

    public CredentialVerifier(
            JwsVerifier jws,
            KeyRing keys,
            IdentityState state,
            UsageTracker usage,
            TokenGapFiller gaps,
            ExpiredUses expiredUses,
            Freshness freshness,
            PatgateConfig config,
            CheckMetrics metrics,
            TrustState trusts,
            Clock clock) {
        this.jws = jws;
        this.keys = keys;
        this.state = state;
        this.gaps = gaps;
        this.freshness = freshness;
        this.clock = clock;
        this.metrics = metrics;
        this.rules = new CallerRules(
                state, trusts, keys, usage, expiredUses, config.session().lifetime());
        this.remembered = Caffeine.newBuilder()
                .maximumSize(config.state().maxRememberedSessions())
                .build();
    }

    /** Whether this replica's state is too old to judge credentials (see {@link Freshness}). */
    public boolean isStale() {
        return freshness.isStale();
    }

    /**
     * A credential from the {@code Authorization} header, presented by its client for its own request: a bearer token, or a
     * PAT given as the password of HTTP Basic, which counts only for its owner (a real password is never accepted there).
     * The token's networks apply to the client's address, and the use is recorded.
     */
    public Verdict check(CredentialRequest request) {
        long started = System.nanoTime();
        return finish(judge(request, true, started), request, started);
    }

    /**
     * RFC 7662: whether {@code token} is good now, for a resource server that asks about a token its client presented.
     * The token's allowed networks are not applied (the client's address is only known to the resource server, which
     * gets them back to apply itself) and no use is recorded (last used, recent addresses, new-address notices and
     * expired-use events would otherwise name the resource server).
     */
    public Verdict describe(String token) {
        long started = System.nanoTime();
        CredentialRequest request = new CredentialRequest(token, null, null);
        return finish(judge(request, false, started), request, started);
    }

    /** {@link #check}, with the database read it may need: for callers that take a {@code Uni} anyway. */
    public Uni<Verdict> checkAndRead(CredentialRequest request) {
        Verdict verdict = check(request);
        return verdict instanceof Verdict.NeedsRead needs
                ? read(needs)
                : Uni.createFrom().item(verdict);
    }

    /**
     * Judges what memory could not: one shared database read ({@link TokenGapFiller}), then the same rules. Accepted or
     * refused, never {@link Verdict.NeedsRead} again; fails with a {@code Refusal} when the database cannot be read in time
     * (503) or the client has made too many such reads (429).
     */
    public Uni<Verdict> read(Verdict.NeedsRead needs) {
        CredentialRequest request = needs.request();
        return filled(needs.verified(), needs.digest(), needs.presented() ? request.clientAddress() : null)
                .onFailure()
                .invoke(e -> finish(new Verdict.Refused(Kind.PAT, Outcome.UNAVAILABLE), request, needs.startedNanos()))
                .map(filled -> finish(
                        filled == null
                                ? new Verdict.Refused(Kind.PAT, Outcome.UNKNOWN)
                                : rules.personalToken(
                                        filled,
                                        needs.digest(),
                                        request.clientAddress(),
                                        needs.presented(),
                                        clock.instant()),
                        request,
                        needs.startedNanos()));
    }

    private Verdict judge(CredentialRequest request, boolean presented, long started) {
        if (freshness.isStale()) {
            return STALE;
        }
        String token = request.token();
        if (!plausibleLength(token)) {
            return NOT_OURS;
        }
        ByteBuffer digest = ByteBuffer.wrap(Digests.sha256(token));
        TokenState pat = state.tokenByDigest(digest);
        Instant now = clock.instant();
        if (pat != null) {
            return rules.personalToken(pat, digest, request.clientAddress(), presented, now);
        }
        JwsVerifier.Verified verified = verified(token, digest, true);
        if (verified == null) {
            return NOT_OURS;
        }
        Kind kind = verified.isSession() ? Kind.SESSION : verified.isExchange() ? Kind.EXCHANGE : Kind.PAT;
        if (keys.verificationKey(verified.kid()) == null) {
            remembered.invalidate(digest);
            return new Verdict.Refused(kind, Outcome.FORGED); // a key we no longer trust
        }
        if (!now.isBefore(verified.expiresAt())) {
            remembered.invalidate(digest);
            return new Verdict.Refused(kind, Outcome.EXPIRED);
        }
        if (verified.isSession()) {
            return rules.session(verified, now);
        }
        if (verified.isExchange()) {
            return rules.exchanged(verified);
        }
        TokenState last = state.finalToken(verified.jti());
        if (last != null
                && (last.isRevoked() || digest.equals(last.digest()) || digest.equals(last.previousDigest()))) {
            return rules.personalToken(
                    last,
                    digest,
                    request.clientAddress(),
                    presented,
                    now); // revoked, or this value expired: no read needed to refuse it
        }
        return new Verdict.NeedsRead(request, presented, verified, digest, started);
    }

    /**
     * Where every check ends, and the one place it is counted ({@code patgate_checks_total}, {@code patgate_check_duration_seconds}):
     * applies HTTP Basic's rule (only a PAT, and only under its owner's name; anything else there is refused as not ours),
     * and counts every verdict but {@link Verdict.NeedsRead}, which is counted when {@link #read} ends it.
     */
    private Verdict finish(Verdict verdict, CredentialRequest request, long started) {
        if (verdict instanceof Verdict.NeedsRead) {
            return verdict;
        }
        if (request.basicUsername() != null
                && verdict instanceof Verdict.Accepted accepted
                && (accepted.caller().method() != Caller.AuthMethod.PAT
                        || !accepted.caller().username().equalsIgnoreCase(request.basicUsername()))) {
            verdict = new Verdict.Refused(CheckMetrics.Kind.of(accepted.caller()), Outcome.FORGED);
        }
        if (verdict instanceof Verdict.Accepted accepted) {
            metrics.finished(CheckMetrics.Kind.of(accepted.caller()), Outcome.OK, started);
        } else if (verdict instanceof Verdict.Refused refused) {
            metrics.finished(refused.kind(), refused.outcome(), started);
        }
        return verdict;
    }

    /** What a presented value is, whatever its state: a token we issued, or a session we signed. */
    public record Identified(TokenState token, UUID sessionId, UUID userId, Instant expiresAt) {}

    /**
     * Identifies a value without judging it (revoked, expired or from elsewhere, it is still identified):
     * for RFC 7009, where holding the value is the proof. Forged values identify as nothing, and so does an
     * old value past its grace period (it cannot revoke the live token).
     */
    public Uni<Optional<Identified>> identify(String token) {
        if (!plausibleLength(token)) {
            return Uni.createFrom().item(Optional.empty());
        }
        ByteBuffer digest = ByteBuffer.wrap(Digests.sha256(token));
        TokenState pat = state.tokenByDigest(digest);
        if (pat != null) {
            return Uni.createFrom().item(identified(pat, digest));
        }
        JwsVerifier.Verified verified = verified(token, digest, false);
        if (verified == null) {
            return Uni.createFrom().item(Optional.empty());
        }
        if (verified.isSession()) {
            return Uni.createFrom()
                    .item(Optional.of(new Identified(null, verified.jti(), verified.subject(), verified.expiresAt())));
        }
        if (verified.isExchange()) {
            // no row to revoke: it ends with its trust entry or its account (and within the hour anyway)
            return Uni.createFrom().item(Optional.empty());
        }
        return filled(verified, digest, null)
                .map(filled -> filled == null ? Optional.empty() : identified(filled, digest));
    }

    private static boolean plausibleLength(String token) {
        return token != null && !token.isEmpty() && token.length() <= MAX_TOKEN_LENGTH;
    }

    /** The remembered verification of a value, or a fresh one; {@code remember} keeps a fresh one for next time. */
    private JwsVerifier.Verified verified(String token, ByteBuffer digest, boolean remember) {
        JwsVerifier.Verified verified = remembered.getIfPresent(digest);
        if (verified == null) {
            verified = jws.verify(token);
            if (verified != null && remember) {
                remembered.put(digest, verified);
            }
        }
        return verified;
    }

    /** A validly signed PAT this replica does not know: one shared database read, then the state knows it (or it is gone). */
    private Uni<TokenState> filled(JwsVerifier.Verified verified, ByteBuffer digest, String clientAddress) {
        return gaps.fill(verified.jti(), clientAddress).map(ignored -> {
            TokenState held = state.tokenByDigest(digest);
            if (held != null) {
                return held;
            }
            TokenState last =
                    state.finalToken(verified.jti()); // read, but the small working set had no room left for it
            return last != null && (digest.equals(last.digest()) || digest.equals(last.previousDigest())) ? last : null;
        });
    }

    private Optional<Identified> identified(TokenState token, ByteBuffer digest) {
        return isLiveValue(token, digest, clock.instant())
                ? Optional.of(new Identified(token, null, token.userId(), token.expiresAt()))
                : Optional.empty();
    }

    /**
     * The current value, or the previous one within its grace period: compared by digest, so a value
     * older than the previous one, still indexed for a moment, is never mistaken for it.
     */
    static boolean isLiveValue(TokenState token, ByteBuffer digest, Instant now) {
        return digest.equals(token.digest())
                || digest.equals(token.previousDigest())
                        && token.previousValidUntil() != null
                        && now.isBefore(token.previousValidUntil());
    }
}
