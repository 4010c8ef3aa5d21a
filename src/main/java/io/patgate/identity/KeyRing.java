package io.patgate.identity;

import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import jakarta.enterprise.context.ApplicationScoped;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The signing keys, in memory: one active private key that signs, and every public key that may still
 * verify a token, by {@code kid}. Replaced as a whole (copy-on-write), so readers never lock.
 */
@ApplicationScoped
public class KeyRing {

    /** The only algorithm this service signs with or accepts (no {@code none}, no HMAC, no RSA). */
    public static final String ALGORITHM = "ES256";

    /**
     * A verification key as the JWKS publishes it, with its ready-made verifier settings.
     *
     * @param retiredAt when it stopped signing; null for the key that signs now
     */
    public record VerificationKey(String kid, PublicKey key, String publicJwk, JWTAuthContextInfo verifier, java.time.Instant retiredAt) {
    }

    private record Keys(String activeKid, PrivateKey signingKey, Map<String, VerificationKey> byKid, String jwks) {
    }

    private volatile Keys keys;

    public void replace(String activeKid, PrivateKey signingKey, List<VerificationKey> verificationKeys) {
        Map<String, VerificationKey> byKid = verificationKeys.stream()
                .collect(Collectors.toUnmodifiableMap(VerificationKey::kid, k -> k));
        String jwks = verificationKeys.stream().map(VerificationKey::publicJwk)
                .collect(Collectors.joining(",", "{\"keys\":[", "]}"));
        this.keys = new Keys(activeKid, signingKey, byKid, jwks);
    }

    public static JWTAuthContextInfo verifierFor(PublicKey key, String issuer) {
        JWTAuthContextInfo info = new JWTAuthContextInfo();
        info.setPublicVerificationKey(key);
        info.setSignatureAlgorithm(Set.of(SignatureAlgorithm.ES256));
        info.setIssuedBy(issuer);
        info.setRequiredClaims(Set.of("jti", "sub", "iat", "exp"));
        info.setClockSkew(30);
        return info;
    }

    public boolean isLoaded() {
        return keys != null;
    }

    public String activeKid() {
        return loaded().activeKid();
    }

    public PrivateKey signingKey() {
        return loaded().signingKey();
    }

    public VerificationKey verificationKey(String kid) {
        Keys k = keys;
        return k == null || kid == null ? null : k.byKid().get(kid);
    }

    /** The JSON Web Key Set (RFC 7517) of every key that may still verify a token. */
    public String jwks() {
        return loaded().jwks();
    }

    private Keys loaded() {
        Keys k = keys;
        if (k == null) {
            throw new IllegalStateException("The signing keys are not loaded yet");
        }
        return k;
    }
}
