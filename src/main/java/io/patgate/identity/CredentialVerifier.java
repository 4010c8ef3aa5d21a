package io.patgate.identity;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.patgate.config.PatgateConfig;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

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
@ApplicationScoped
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

    public CredentialVerifier(JwsVerifier jws, KeyRing keys, IdentityState state, UsageTracker usage, TokenGapFiller gaps,
                              ExpiredUses expiredUses, Freshness freshness, PatgateConfig config) {
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
        Uni<Optional<Caller>> checked = check(request.token(), request.clientAddress());
        if (request.basicUsername() == null) {
            return checked;
        }
        return checked.map(caller -> caller.filter(c -> c.method() == Caller.AuthMethod.PAT
                && c.username().equalsIgnoreCase(request.basicUsername())));
    }

    /** Checks a bearer token presented from {@code clientAddress}; empty when it is not good right now. */
    public Uni<Optional<Caller>> check(String token, String clientAddress) {
        if (!plausibleLength(token) || freshness.isStale()) {
            return Uni.createFrom().item(Optional.empty());
        }
        ByteBuffer digest = ByteBuffer.wrap(Digests.sha256(token));
        TokenState pat = state.tokenByDigest(digest);
        if (pat != null) {
            return Uni.createFrom().item(personalToken(pat, digest, clientAddress));
        }
        JwsVerifier.Verified verified = verified(token, digest, true);
        if (verified == null) {
            return Uni.createFrom().item(Optional.empty());
        }
        if (!clock.instant().isBefore(verified.expiresAt()) || keys.verificationKey(verified.kid()) == null) {
            remembered.invalidate(digest);
            return Uni.createFrom().item(Optional.empty());
        }
        if (verified.isSession()) {
            return Uni.createFrom().item(session(verified));
        }
        // a PAT we signed but do not know: created on another replica a moment ago, or gone for good
        return filled(verified, digest).map(filled -> filled == null ? Optional.<Caller>empty() : personalToken(filled, digest, clientAddress));
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
        return filled(verified, digest).map(filled -> filled == null ? Optional.empty() : identified(filled, digest));
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
    private Uni<TokenState> filled(JwsVerifier.Verified verified, ByteBuffer digest) {
        return gaps.fill(verified.jti()).map(ignored -> state.tokenByDigest(digest));
    }

    private Optional<Identified> identified(TokenState token, ByteBuffer digest) {
        return isLiveValue(token, digest, clock.instant())
                ? Optional.of(new Identified(token, null, token.userId(), token.expiresAt()))
                : Optional.empty();
    }

    private Optional<Caller> personalToken(TokenState token, ByteBuffer digest, String clientAddress) {
        Instant now = clock.instant();
        if (!isLiveValue(token, digest, now)) {
            return Optional.empty(); // a regenerated token's old value, past its grace period
        }
        if (token.isExpiredAt(now) && !token.isRevoked()) {
            expiredUses.note(token.id(), token.userId(), clientAddress, now);
            return Optional.empty();
        }
        if (token.isRevoked() || !token.allows(clientAddress)) {
            return Optional.empty();
        }
        IdentityState.UserState owner = state.user(token.userId());
        if (owner == null || owner.disabled()) {
            return Optional.empty();
        }
        usage.record(token.id(), clientAddress, now);
        return Optional.of(new Caller(owner.id(), owner.username(), owner.roles(), Caller.AuthMethod.PAT, token.id(),
                token.scopes(), token.issuedAt(), token.expiresAt(), token.allowedCidrs()));
    }

    /**
     * The current value, or the previous one within its grace period: compared by digest, so a value
     * older than the previous one, still indexed for a moment, is never mistaken for it.
     */
    static boolean isLiveValue(TokenState token, ByteBuffer digest, Instant now) {
        return digest.equals(token.digest())
                || digest.equals(token.previousDigest()) && token.previousValidUntil() != null && now.isBefore(token.previousValidUntil());
    }

    private Optional<Caller> session(JwsVerifier.Verified v) {
        if (state.isSessionRevoked(v.jti()) || !SessionRules.plausible(v, keys.verificationKey(v.kid()), sessionLifetime, clock.instant())) {
            return Optional.empty();
        }
        IdentityState.UserState user = state.user(v.subject());
        if (user == null || user.disabled() || !user.admitsSession(v.jti(), v.issuedAt())) {
            return Optional.empty();
        }
        return Optional.of(new Caller(user.id(), user.username(), user.roles(), Caller.AuthMethod.SESSION, v.jti(), null,
                v.issuedAt(), v.expiresAt(), java.util.List.of()));
    }
}
