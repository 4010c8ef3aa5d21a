package io.patgate.identity;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The per-request check of a bearer credential, in memory.
 *
 * <p>A personal access token is accepted only when the SHA-256 digest of the presented value is the
 * digest recorded for that token: one hash and one map lookup. That also means a stolen signing key is
 * not enough to mint a working token, nor to turn a known token id into a token for someone else.
 *
 * <p>Anything else goes through full verification: shape, header ({@code alg} pinned to ES256, a known
 * {@code kid}, a known {@code typ}), then signature and claims with SmallRye JWT and that {@code kid}'s
 * key. A verified session is remembered by its digest, so a repeat request skips the ECDSA work. After
 * that, the caller's state (logout, disabled, deleted, roles now, revocation, expiry, allowed networks)
 * is checked on every request. The database is read only for a validly signed token this replica does
 * not know yet, once per token, through {@link TokenGapFiller}.
 */
@ApplicationScoped
public class CredentialVerifier {

    private static final Logger LOG = Logger.getLogger(CredentialVerifier.class);
    /** Longer than any JWT we sign by an order of magnitude; longer input is refused before any parsing. */
    public static final int MAX_TOKEN_LENGTH = 4096;
    private static final int MAX_REMEMBERED = 200_000;
    private static final Base64.Decoder B64URL = Base64.getUrlDecoder();

    /** What a verified signature established; the state is looked up again on every request. */
    record Verified(String type, UUID jti, UUID subject, Instant issuedAt, Instant expiresAt, String kid) {
    }

    private final JWTParser parser;
    private final KeyRing keys;
    private final IdentityState state;
    private final UsageTracker usage;
    private final TokenGapFiller gaps;
    private final ExpiredUses expiredUses;
    private final ObjectMapper json;
    private final Clock clock = Clock.systemUTC();
    /** Verified sessions by digest; bounded, the least used forgotten first (it costs one re-verification). */
    private final Cache<ByteBuffer, Verified> remembered = Caffeine.newBuilder().maximumSize(MAX_REMEMBERED).build();
    /** Clocks disagree a little: an iat this far in the future is still believed (as SmallRye JWT's own skew). */
    static final Duration SKEW = Duration.ofSeconds(30);
    private final Duration sessionLifetime;
    private final Duration maxStaleness;

    /**
     * Whether this replica's state is too old to trust: its last successful sync began more than
     * {@code patgate.state.max-staleness} ago, so a revocation made elsewhere may be missing. Then every
     * check fails closed.
     */
    public boolean isStale() {
        Instant synced = state.syncedAt();
        return synced != null && clock.instant().isAfter(synced.plus(maxStaleness));
    }

    public CredentialVerifier(JWTParser parser, KeyRing keys, IdentityState state, UsageTracker usage,
                              TokenGapFiller gaps, ExpiredUses expiredUses, ObjectMapper json, io.patgate.config.PatgateConfig config) {
        this.sessionLifetime = config.session().lifetime();
        this.maxStaleness = config.state().maxStaleness();
        this.expiredUses = expiredUses;
        this.parser = parser;
        this.keys = keys;
        this.state = state;
        this.usage = usage;
        this.gaps = gaps;
        this.json = json;
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
        if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_LENGTH || isStale()) {
            return none();
        }
        ByteBuffer digest = ByteBuffer.wrap(Digests.sha256(token));
        TokenState pat = state.tokenByDigest(digest);
        if (pat != null) {
            return Uni.createFrom().item(personalToken(pat, digest, clientAddress));
        }
        Verified verified = remembered.getIfPresent(digest);
        if (verified == null) {
            verified = verify(token);
            if (verified == null) {
                return none();
            }
            remembered.put(digest, verified);
        }
        if (!clock.instant().isBefore(verified.expiresAt()) || keys.verificationKey(verified.kid()) == null) {
            remembered.invalidate(digest);
            return none();
        }
        if (TokenSigner.SESSION_TYPE.equals(verified.type())) {
            return Uni.createFrom().item(session(verified));
        }
        // a PAT we signed but do not know: created on another replica a moment ago, or gone for good
        return gaps.fill(verified.jti()).map(ignored -> {
            TokenState filled = state.tokenByDigest(digest);
            return filled == null ? Optional.<Caller>empty() : personalToken(filled, digest, clientAddress);
        });
    }

    /** What a presented value is, whatever its state: a token we issued, or a session we signed. */
    public record Identified(TokenState token, UUID sessionId, UUID userId, Instant expiresAt) {
    }

    /**
     * Identifies a value without judging it (revoked, expired or from elsewhere, it is still identified):
     * for RFC 7009, where holding the value is the proof. Forged values identify as nothing.
     */
    public Uni<Optional<Identified>> identify(String token) {
        if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
            return Uni.createFrom().item(Optional.empty());
        }
        ByteBuffer digest = ByteBuffer.wrap(Digests.sha256(token));
        TokenState pat = state.tokenByDigest(digest);
        if (pat != null) {
            // an old value past its grace period is dead: it identifies nothing (and cannot revoke the live token)
            return Uni.createFrom().item(isLiveValue(pat, digest, clock.instant())
                    ? Optional.of(new Identified(pat, null, pat.userId(), pat.expiresAt()))
                    : Optional.empty());
        }
        Verified v = remembered.getIfPresent(digest);
        if (v == null) {
            v = verify(token);
        }
        if (v == null) {
            return Uni.createFrom().item(Optional.empty());
        }
        Verified verified = v;
        if (TokenSigner.SESSION_TYPE.equals(verified.type())) {
            return Uni.createFrom().item(Optional.of(new Identified(null, verified.jti(), verified.subject(), verified.expiresAt())));
        }
        return gaps.fill(verified.jti()).map(ignored -> Optional.ofNullable(state.tokenByDigest(digest))
                .filter(t -> isLiveValue(t, digest, clock.instant()))
                .map(t -> new Identified(t, null, t.userId(), t.expiresAt())));
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
                token.scopes(), token.issuedAt(), token.expiresAt()));
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
     * A session's own claims, beyond its signature. Sessions are not digest-bound like tokens, so someone
     * holding a copy of a signing key could mint one: it must not outlive the key's retirement by more than
     * one session lifetime, may not last longer than a session does, and may not claim to be issued in the
     * future (which would also slip past a password change's cut).
     */
    private boolean plausibleSession(Verified v, Instant now) {
        if (v.issuedAt().isAfter(now.plus(SKEW))) {
            return false;
        }
        if (Duration.between(v.issuedAt(), v.expiresAt()).compareTo(sessionLifetime.plus(SKEW)) > 0) {
            return false;
        }
        KeyRing.VerificationKey key = keys.verificationKey(v.kid());
        // a key signs only before its retirement (every replica switches by the same instant, so no skew
        // here): a session "issued" later was minted with a copy of the key, and would slip past the cut
        // that ending every session sets right after an incident rotation
        return key != null && (key.retiredAt() == null || now.isBefore(key.retiredAt().plus(sessionLifetime).plus(SKEW))
                && v.issuedAt().isBefore(key.retiredAt()));
    }

    private Optional<Caller> session(Verified v) {
        if (state.isSessionRevoked(v.jti()) || !plausibleSession(v, clock.instant())) {
            return Optional.empty();
        }
        IdentityState.UserState user = state.user(v.subject());
        if (user == null || user.disabled() || !user.admitsSession(v.jti(), v.issuedAt())) {
            return Optional.empty();
        }
        return Optional.of(new Caller(user.id(), user.username(), user.roles(), Caller.AuthMethod.SESSION, v.jti(), null,
                v.issuedAt(), v.expiresAt()));
    }

    private Verified verify(String token) {
        int first = token.indexOf('.');
        int second = first < 0 ? -1 : token.indexOf('.', first + 1);
        if (first <= 0 || second < 0 || token.indexOf('.', second + 1) >= 0) {
            return null; // not a compact JWS (a JWE has five parts)
        }
        JsonNode header;
        try {
            header = json.readTree(B64URL.decode(token.substring(0, first)));
        } catch (Exception e) {
            return null;
        }
        if (header == null || !header.isObject() || !KeyRing.ALGORITHM.equals(text(header, "alg"))) {
            return null; // "none", HS256 keyed with our public key, RS256...: refused before any crypto
        }
        String type = text(header, "typ");
        if (!TokenSigner.SESSION_TYPE.equals(type) && !TokenSigner.PAT_TYPE.equals(type)) {
            return null;
        }
        KeyRing.VerificationKey key = keys.verificationKey(text(header, "kid"));
        if (key == null) {
            return null;
        }
        try {
            JsonWebToken jwt = parser.parse(token, key.verifier());
            UUID jti = UUID.fromString(jwt.getTokenID());
            UUID subject = UUID.fromString(jwt.getSubject());
            // a PAT that never expires has no exp; SmallRye JWT requires one, so such tokens carry a far one
            Instant exp = Instant.ofEpochSecond(jwt.getExpirationTime());
            return new Verified(type, jti, subject, Instant.ofEpochSecond(jwt.getIssuedAtTime()), exp, key.kid());
        } catch (ParseException | IllegalArgumentException e) {
            LOG.debugf("Rejected a %s: %s", type, e.getMessage());
            return null;
        }
    }

    private static Uni<Optional<Caller>> none() {
        return Uni.createFrom().item(Optional.empty());
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? value.asText() : null;
    }
}
