package io.patgate.identity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

/**
 * Full verification of a value the in-memory digests do not know: its shape, then its header ({@code alg}
 * pinned to ES256, a {@code kid} of ours, a {@code typ} of ours), and only then the signature and claims,
 * with SmallRye JWT and that {@code kid}'s key. Anything else is refused before any cryptography runs:
 * {@code none}, HS256 keyed with our public key, RS256, a JWE, a header that is not JSON.
 */
@ApplicationScoped
public class JwsVerifier {

    private static final Logger LOG = Logger.getLogger(JwsVerifier.class);
    private static final Base64.Decoder B64URL = Base64.getUrlDecoder();

    /**
     * What a verified signature established; the state is looked up again on every request.
     *
     * @param scopes an exchanged token's scopes; null for the others
     * @param trust  the trust entry an exchanged token was issued under; null for the others
     */
    public record Verified(
            String type,
            UUID jti,
            UUID subject,
            Instant issuedAt,
            Instant expiresAt,
            String kid,
            java.util.Set<String> scopes,
            UUID trust) {

        public Verified(String type, UUID jti, UUID subject, Instant issuedAt, Instant expiresAt, String kid) {
            this(type, jti, subject, issuedAt, expiresAt, kid, null, null);
        }

        public boolean isSession() {
            return TokenSigner.SESSION_TYPE.equals(type);
        }

        public boolean isExchange() {
            return TokenSigner.EXCHANGE_TYPE.equals(type);
        }
    }

    private final JWTParser parser;
    private final KeyRing keys;
    private final ObjectMapper json;

    public JwsVerifier(JWTParser parser, KeyRing keys, ObjectMapper json) {
        this.parser = parser;
        this.keys = keys;
        this.json = json;
    }

    /** What {@code token} establishes, or null when it is not a JWS we signed and that is still verifiable. */
    public Verified verify(String token) {
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
            return null;
        }
        String type = text(header, "typ");
        if (!TokenSigner.SESSION_TYPE.equals(type)
                && !TokenSigner.PAT_TYPE.equals(type)
                && !TokenSigner.EXCHANGE_TYPE.equals(type)) {
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
            Instant iat = Instant.ofEpochSecond(jwt.getIssuedAtTime());
            if (TokenSigner.EXCHANGE_TYPE.equals(type)) {
                String scopes = claimText(jwt.getClaim("scope"));
                String trust = claimText(jwt.getClaim(TokenSigner.TRUST_CLAIM));
                if (scopes == null || trust == null) {
                    return null;
                }
                java.util.Set<String> set = new java.util.TreeSet<>();
                for (String s : scopes.split(" ")) {
                    if (!s.isEmpty()) {
                        set.add(s);
                    }
                }
                return new Verified(
                        type, jti, subject, iat, exp, key.kid(), java.util.Set.copyOf(set), UUID.fromString(trust));
            }
            return new Verified(type, jti, subject, iat, exp, key.kid());
        } catch (ParseException | IllegalArgumentException e) {
            LOG.debugf("Rejected a %s: %s", type, e.getMessage());
            return null;
        }
    }

    /** A claim's text, however SmallRye JWT hands it over (a String, or a JSON string); null for anything else. */
    private static String claimText(Object claim) {
        if (claim instanceof String text) {
            return text;
        }
        return claim instanceof jakarta.json.JsonString json ? json.getString() : null;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? value.asText() : null;
    }
}
