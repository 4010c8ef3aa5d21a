package io.patgate.identity;

import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import jakarta.inject.Singleton;
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
@Singleton // on the per-request path: no client proxy between the caller and it
public class KeyRing {

    /** The only algorithm this service signs with or accepts (no {@code none}, no HMAC, no RSA). */
    public static final String ALGORITHM = "ES256";

    /**
     * A verification key as the JWKS publishes it, with its ready-made verifier settings.
     *
     * @param retiredAt when it stopped signing; null for the key that signs now
     */
    public record VerificationKey(
            String kid, PublicKey key, String publicJwk, JWTAuthContextInfo verifier, java.time.Instant retiredAt) {}

    /** A key that signs from {@code signsFrom} until {@code retiredAt} (null: no end yet). */
    public record Signer(String kid, PrivateKey key, java.time.Instant signsFrom, java.time.Instant retiredAt) {

        boolean signsAt(java.time.Instant now) {
            return !now.isBefore(signsFrom) && (retiredAt == null || now.isBefore(retiredAt));
        }
    }

    /** @param signers newest first */
    private record Keys(List<Signer> signers, Map<String, VerificationKey> byKid, String jwks) {}

    private volatile Keys keys;
    private final java.time.Clock clock = java.time.Clock.systemUTC();

    /**
     * @param signers every key that signs now or will (a new key is published before it signs), with its
     *                private key
     */
    public void replace(List<Signer> signers, List<VerificationKey> verificationKeys) {
        Map<String, VerificationKey> byKid =
                verificationKeys.stream().collect(Collectors.toUnmodifiableMap(VerificationKey::kid, k -> k));
        String jwks = verificationKeys.stream()
                .map(VerificationKey::publicJwk)
                .collect(Collectors.joining(",", "{\"keys\":[", "]}"));
        List<Signer> newestFirst = signers.stream()
                .sorted(java.util.Comparator.comparing(Signer::signsFrom).reversed())
                .toList();
        this.keys = new Keys(newestFirst, byKid, jwks);
    }

    /**
     * The key that signs now: the newest whose time has come. Every replica switches at the same instant
     * without talking to the database. One object, so a kid is never paired with another key's signature.
     */
    public Signer signer() {
        java.time.Instant now = clock.instant();
        List<Signer> signers = loaded().signers();
        for (Signer s : signers) {
            if (s.signsAt(now)) {
                return s;
            }
        }
        // no key's window covers now (clocks far apart during a rotation): the newest that has started
        for (Signer s : signers) {
            if (!now.isBefore(s.signsFrom())) {
                return s;
            }
        }
        return signers.get(signers.size() - 1);
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
        return signer().kid();
    }

    public PrivateKey signingKey() {
        return signer().key();
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
