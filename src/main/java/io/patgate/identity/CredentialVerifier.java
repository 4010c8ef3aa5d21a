package io.patgate.identity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The per-request check of a bearer credential. In order: shape, header ({@code alg} pinned to ES256,
 * a known {@code kid}, a known {@code typ}), signature and claims (SmallRye JWT with the {@code kid}'s key
 * and the pinned algorithm), then the caller's state in memory ({@link IdentityState}).
 *
 * <p>A credential that verified once is remembered by its SHA-256 digest, so a repeat request costs a
 * hash and a map lookup instead of an ECDSA verification. The state check runs on every request, so
 * a logout or a disabled account takes effect on the very next one. Nothing here touches the database.
 */
@ApplicationScoped
public class CredentialVerifier {

    private static final Logger LOG = Logger.getLogger(CredentialVerifier.class);
    /** Longer than any JWT we sign by an order of magnitude; longer input is refused before any parsing. */
    static final int MAX_TOKEN_LENGTH = 4096;
    private static final int MAX_REMEMBERED = 200_000;
    private static final Base64.Decoder B64URL = Base64.getUrlDecoder();

    /** What a verified signature established; the state is looked up again on every request. */
    record Verified(String type, UUID jti, UUID subject, Instant expiresAt, String kid) {
    }

    private final JWTParser parser;
    private final KeyRing keys;
    private final IdentityState state;
    private final ObjectMapper json;
    private final Clock clock;
    private final Map<ByteBuffer, Verified> remembered = new ConcurrentHashMap<>();

    public CredentialVerifier(JWTParser parser, KeyRing keys, IdentityState state, ObjectMapper json) {
        this.parser = parser;
        this.keys = keys;
        this.state = state;
        this.json = json;
        this.clock = Clock.systemUTC();
    }

    /** Checks a bearer token; empty when it is not good right now, for whatever reason. */
    public Optional<Caller> check(String token) {
        if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
            return Optional.empty();
        }
        ByteBuffer digest = ByteBuffer.wrap(sha256(token));
        Verified verified = remembered.get(digest);
        if (verified == null) {
            verified = verify(token);
            if (verified == null) {
                return Optional.empty();
            }
            if (remembered.size() >= MAX_REMEMBERED) {
                remembered.clear(); // rare; costs one re-verification per live token
            }
            remembered.put(digest, verified);
        }
        Instant now = clock.instant();
        if (!now.isBefore(verified.expiresAt()) || keys.verificationKey(verified.kid()) == null) {
            remembered.remove(digest);
            return Optional.empty();
        }
        if (TokenSigner.SESSION_TYPE.equals(verified.type())) {
            return session(verified);
        }
        return Optional.empty();
    }

    private Optional<Caller> session(Verified v) {
        if (state.isSessionRevoked(v.jti())) {
            return Optional.empty();
        }
        IdentityState.UserState user = state.user(v.subject());
        if (user == null || user.disabled()) {
            return Optional.empty();
        }
        return Optional.of(new Caller(user.id(), user.username(), user.roles(), Caller.AuthMethod.SESSION, v.jti(), null, v.expiresAt()));
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
        if (header == null || !header.isObject()
                || !KeyRing.ALGORITHM.equals(text(header, "alg"))) {
            return null; // "none", HS256 with our public key as secret, RS256...: refused before any crypto
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
            return new Verified(type, jti, subject, Instant.ofEpochSecond(jwt.getExpirationTime()), key.kid());
        } catch (ParseException | IllegalArgumentException e) {
            LOG.debugf("Rejected a %s: %s", type, e.getMessage());
            return null;
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? value.asText() : null;
    }

    static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
