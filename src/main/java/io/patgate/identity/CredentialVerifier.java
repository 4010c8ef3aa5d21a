package io.patgate.identity;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.patgate.config.PatgateConfig;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * The per-request check of a bearer credential, in memory.
 *
 * <p>A personal access token is accepted only when the SHA-256 digest of the presented value is the
 * digest recorded for that token: one hash and one map lookup. That also means a stolen signing key is
 * not enough to mint a working token, nor to turn a known token id into a token for someone else.
 *
 * <p>Anything else goes through full verification ({@link JwsVerifier}). A verified session is remembered
 * by its digest, so a repeat request skips the ECDSA work. After that, the caller's state (logout, disabled,
 * deleted, roles now, revocation, expiry, allowed networks) is checked on every request. The database is
 * read only for a validly signed token this replica does not know yet, once per token, through
 * {@link TokenGapFiller}.
 */
@Singleton // on the per-request path: no client proxy between the caller and it
public class CredentialVerifier {

    /** Longer than any JWT we sign by an order of magnitude; longer input is refused before any parsing. */
    public static final int MAX_TOKEN_LENGTH = 4096;

    private final JwsVerifier jws;
    private final KeyRing keys;
    private final IdentityState state;
    private final UsageTracker usage;
    private final TokenGapFiller gaps;
    private final ExpiredUses expiredUses;
    private final Freshness freshness;
    private final Clock clock = Clock.systemUTC();
    /** Verified values that the digests do not know (sessions) by digest; bounded, the least used forgotten first (it costs one re-verification). */
    private final Cache<ByteBuffer, JwsVerifier.Verified> remembered;
    private final Duration sessionLifetime;
    private final CheckMetrics metrics;
    /** The trust entries an exchanged token must still be backed by. */
    private final TrustState trusts;

    public CredentialVerifier(JwsVerifier jws, KeyRing keys, IdentityState state, UsageTracker usage, TokenGapFiller gaps,
                              ExpiredUses expiredUses, Freshness freshness, PatgateConfig config, CheckMetrics metrics, TrustState trusts) {
        this.metrics = metrics;
        this.trusts = trusts;
        this.jws = jws;
        this.keys = keys;
        this.state = state;
        this.usage = usage;
        this.gaps = gaps;
        this.expiredUses = expiredUses;
        this.freshness = freshness;
        this.sessionLifetime = config.session().lifetime();
        this.remembered = Caffeine.newBuilder().maximumSize(config.state().maxRememberedSessions()).build();
    }

    /** Whether this replica's state is too old to judge credentials (see {@link Freshness}). */
    public boolean isStale() {
        return freshness.isStale();
    }

    /**
     * Checks a credential from the {@code Authorization} header: a bearer token, or a PAT given as the
     * password of HTTP Basic, which counts only for its owner (a real password is never accepted there).
     */
    public Uni<Optional<Caller>> check(CredentialRequest request) {
        Optional<Caller> now = checkNow(request);
        return now != null ? Uni.createFrom().item(now) : checkCold(request);
    }

    /** The check of a credential {@link #checkNow(CredentialRequest)} could not judge from memory: see {@link #checkCold(String, String)}. */
    public Uni<Optional<Caller>> checkCold(CredentialRequest request) {
        return checkCold(request.token(), request.clientAddress()).map(c -> forBasic(c, request));
    }

    /**
     * {@link #check(CredentialRequest)} answered on the spot from memory, as nearly every check is; null when the answer
     * needs the database (a validly signed token this replica does not hold): then call {@link #checkCold(CredentialRequest)}.
     * The hot routes use this to skip a {@code Uni} per request.
     */
    public Optional<Caller> checkNow(CredentialRequest request) {
        Optional<Caller> now = checkNow(request.token(), request.clientAddress());
        return now == null ? null : forBasic(now, request);
    }

    private static Optional<Caller> forBasic(Optional<Caller> checked, CredentialRequest request) {
        return request.basicUsername() == null ? checked : checked.filter(c -> c.method() == Caller.AuthMethod.PAT
                && c.username().equalsIgnoreCase(request.basicUsername()));
    }

    /** Checks a bearer token presented from {@code clientAddress}; empty when it is not good right now. */
    public Uni<Optional<Caller>> check(String token, String clientAddress) {
        Optional<Caller> now = checkNow(token, clientAddress);
        return now != null ? Uni.createFrom().item(now) : checkCold(token, clientAddress);
    }

    /** {@link #check(String, String)} from memory; null when it needs the database (then call {@link #checkCold(String, String)}). */
    public Optional<Caller> checkNow(String token, String clientAddress) {
        return checkNow(token, clientAddress, true);
    }

    /**
     * RFC 7662: whether {@code token} is good now, for a resource server that asks about a token its client presented.
     * The token's allowed networks are not applied (the client's address is only known to the resource server, which
     * gets them back to apply itself) and no use is recorded (last used, recent addresses, new-address notices and
     * expired-use events would otherwise name the resource server). Null when it needs the database (then call
     * {@link #describeCold(String)}).
     */
    public Optional<Caller> describeNow(String token) {
        return checkNow(token, null, false);
    }

    /** {@link #describeNow(String)} for a value memory could not judge: see {@link #checkCold(String, String)}. */
    public Uni<Optional<Caller>> describeCold(String token) {
        return checkCold(token, null, false);
    }

    /**
     * @param presented true when {@code clientAddress} presented the token for its own request: its networks are then
     *                  applied to that address and the use is recorded; false for introspection (see {@link #describeNow})
     */
    private Optional<Caller> checkNow(String token, String clientAddress, boolean presented) {
        long started = System.nanoTime();
        if (freshness.isStale()) {
            return done(null, CheckMetrics.Kind.UNRECOGNISED, CheckMetrics.Outcome.UNAVAILABLE, started);
        }
        if (!plausibleLength(token)) {
            return done(null, CheckMetrics.Kind.UNRECOGNISED, CheckMetrics.Outcome.FORGED, started);
        }
        ByteBuffer digest = ByteBuffer.wrap(Digests.sha256(token));
        TokenState pat = state.tokenByDigest(digest);
        if (pat != null) {
            return personalToken(pat, digest, clientAddress, presented, started);
        }
        JwsVerifier.Verified verified = verified(token, digest, true);
        if (verified == null) {
            return done(null, CheckMetrics.Kind.UNRECOGNISED, CheckMetrics.Outcome.FORGED, started);
        }
        CheckMetrics.Kind kind = verified.isSession() ? CheckMetrics.Kind.SESSION
                : verified.isExchange() ? CheckMetrics.Kind.EXCHANGE : CheckMetrics.Kind.PAT;
        if (keys.verificationKey(verified.kid()) == null) {
            remembered.invalidate(digest);
            return done(null, kind, CheckMetrics.Outcome.FORGED, started); // a key we no longer trust
        }
        if (!clock.instant().isBefore(verified.expiresAt())) {
            remembered.invalidate(digest);
            return done(null, kind, CheckMetrics.Outcome.EXPIRED, started);
        }
        if (verified.isSession()) {
            return session(verified, started);
        }
        if (verified.isExchange()) {
            return exchanged(verified, started);
        }
        TokenState last = state.finalToken(verified.jti());
        if (last != null && (last.isRevoked() || digest.equals(last.digest()) || digest.equals(last.previousDigest()))) {
            return personalToken(last, digest, clientAddress, presented, started); // revoked, or this value expired: no read needed to refuse it
        }
        return null; // a PAT we signed but do not hold: created on another replica a moment ago, or outside the working set, or gone for good
    }

    /**
     * The check of a value {@link #checkNow} could not judge from memory: one shared database read ({@link TokenGapFiller}), then
     * the same rules. Its signature was verified there (and remembered, so it is not verified twice).
     */
    public Uni<Optional<Caller>> checkCold(String token, String clientAddress) {
        return checkCold(token, clientAddress, true);
    }

    private Uni<Optional<Caller>> checkCold(String token, String clientAddress, boolean presented) {
        long started = System.nanoTime();
        ByteBuffer digest = ByteBuffer.wrap(Digests.sha256(token));
        JwsVerifier.Verified verified = verified(token, digest, true);
        if (verified == null || verified.isSession()) { // cannot happen: checkNow judged it a signed PAT a moment ago
            return Uni.createFrom().item(Optional.empty());
        }
        return filled(verified, digest, clientAddress)
                .onFailure().invoke(e -> metrics.finished(CheckMetrics.Kind.PAT, CheckMetrics.Outcome.UNAVAILABLE, started))
                .map(filled -> filled == null
                        ? done(null, CheckMetrics.Kind.PAT, CheckMetrics.Outcome.UNKNOWN, started)
                        : personalToken(filled, digest, clientAddress, presented, started));
    }

    private Optional<Caller> done(Caller caller, CheckMetrics.Kind kind, CheckMetrics.Outcome outcome, long started) {
        metrics.finished(kind, outcome, started);
        return Optional.ofNullable(caller);
    }

    /** What a presented value is, whatever its state: a token we issued, or a session we signed. */
    public record Identified(TokenState token, UUID sessionId, UUID userId, Instant expiresAt) {
    }

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
            return Uni.createFrom().item(Optional.of(new Identified(null, verified.jti(), verified.subject(), verified.expiresAt())));
        }
        if (verified.isExchange()) {
            // no row to revoke: it ends with its trust entry or its account (and within the hour anyway)
            return Uni.createFrom().item(Optional.empty());
        }
        return filled(verified, digest, null).map(filled -> filled == null ? Optional.empty() : identified(filled, digest));
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
            TokenState last = state.finalToken(verified.jti()); // read, but the small working set had no room left for it
            return last != null && (digest.equals(last.digest()) || digest.equals(last.previousDigest())) ? last : null;
        });
    }

    private Optional<Identified> identified(TokenState token, ByteBuffer digest) {
        return isLiveValue(token, digest, clock.instant())
                ? Optional.of(new Identified(token, null, token.userId(), token.expiresAt()))
                : Optional.empty();
    }

    private Optional<Caller> personalToken(TokenState token, ByteBuffer digest, String clientAddress, boolean presented, long started) {
        CheckMetrics.Kind kind = CheckMetrics.Kind.PAT;
        Instant now = clock.instant();
        if (!isLiveValue(token, digest, now)) {
            return done(null, kind, CheckMetrics.Outcome.REVOKED, started); // a regenerated token's old value, past its grace period
        }
        if (token.isRevoked()) {
            return done(null, kind, CheckMetrics.Outcome.REVOKED, started);
        }
        if (token.isExpiredAt(now)) {
            if (presented) {
                expiredUses.note(token.id(), token.userId(), clientAddress, now);
            }
            return done(null, kind, CheckMetrics.Outcome.EXPIRED, started);
        }
        if (presented && !token.allows(clientAddress)) {
            return done(null, kind, CheckMetrics.Outcome.OUTSIDE_NETWORKS, started);
        }
        IdentityState.UserState owner = state.user(token.userId());
        if (owner == null || owner.disabled()) {
            return done(null, kind, CheckMetrics.Outcome.OWNER_DISABLED, started);
        }
        if (presented) {
            usage.record(token.id(), clientAddress, now);
        }
        return done(new Caller(owner.id(), owner.username(), owner.roles(), Caller.AuthMethod.PAT, token.id(),
                token.scopes(), token.issuedAt(), token.expiresAt(), token.allowedCidrs(), digest), kind, CheckMetrics.Outcome.OK, started);
    }

    /**
     * The current value, or the previous one within its grace period: compared by digest, so a value
     * older than the previous one, still indexed for a moment, is never mistaken for it.
     */
    static boolean isLiveValue(TokenState token, ByteBuffer digest, Instant now) {
        return digest.equals(token.digest())
                || digest.equals(token.previousDigest()) && token.previousValidUntil() != null && now.isBefore(token.previousValidUntil());
    }

    /**
     * A token the exchange issued: it has no row; it lives while the trust entry it was issued under does and its
     * service account is enabled (both held in memory on every replica, kept current by the change feed), and no longer
     * than its own {@code exp} (judged above). Its scopes meet the account's roles now ({@link Caller#effectiveScopes}).
     * The account's session cut ends it too, as it ends sessions.
     */
    private Optional<Caller> exchanged(JwsVerifier.Verified v, long started) {
        CheckMetrics.Kind kind = CheckMetrics.Kind.EXCHANGE;
        WorkloadTrust trust = v.trust() == null ? null : trusts.trust(v.trust());
        if (trust == null || !trust.accountId().equals(v.subject())) {
            return done(null, kind, CheckMetrics.Outcome.REVOKED, started); // its trust was removed, or never was this account's
        }
        IdentityState.UserState account = state.user(v.subject());
        if (account == null || account.disabled() || !account.admitsSession(v.jti(), v.issuedAt())) {
            return done(null, kind, CheckMetrics.Outcome.OWNER_DISABLED, started);
        }
        return done(new Caller(account.id(), account.username(), account.roles(), Caller.AuthMethod.EXCHANGE, v.jti(), v.scopes(),
                v.issuedAt(), v.expiresAt(), java.util.List.of()), kind, CheckMetrics.Outcome.OK, started);
    }

    private Optional<Caller> session(JwsVerifier.Verified v, long started) {
        CheckMetrics.Kind kind = CheckMetrics.Kind.SESSION;
        if (state.isSessionRevoked(v.jti())) {
            return done(null, kind, CheckMetrics.Outcome.REVOKED, started);
        }
        if (!SessionRules.plausible(v, keys.verificationKey(v.kid()), sessionLifetime, clock.instant())) {
            return done(null, kind, CheckMetrics.Outcome.FORGED, started);
        }
        IdentityState.UserState user = state.user(v.subject());
        if (user == null || user.disabled() || !user.admitsSession(v.jti(), v.issuedAt())) {
            return done(null, kind, CheckMetrics.Outcome.OWNER_DISABLED, started);
        }
        return done(new Caller(user.id(), user.username(), user.roles(), Caller.AuthMethod.SESSION, v.jti(), null,
                v.issuedAt(), v.expiresAt(), java.util.List.of()), kind, CheckMetrics.Outcome.OK, started);
    }
}
