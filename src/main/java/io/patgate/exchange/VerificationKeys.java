package io.patgate.exchange;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyOperation;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The public keys an issuer signs with, as its JWK set (RFC 7517) gives them, keeping only those that may verify a
 * subject token here: RSA of 2048 bits or more, EC on P-256, P-384 or P-521, and Ed25519; never a symmetric
 * ({@code oct}) key, so no HMAC token can ever verify (not even one "signed" with an issuer's public key as the
 * secret); a key marked for encryption ({@code use: enc}) or without {@code verify} in its {@code key_ops} is left
 * out. A key with private parts is kept as its public half only. Immutable, and its verifiers are built once, so it is
 * shared by every exchange until the issuer's keys are read again.
 */
public final class VerificationKeys {

    /** Keys kept from one set at most: a JWKS lists a few; a thousand would only cost signature attempts. */
    public static final int MAX_KEYS = 50;

    /** The algorithms a subject token may be signed with: RSA (PKCS#1 v1.5 and PSS), ECDSA, EdDSA over Ed25519. */
    public static final Set<JWSAlgorithm> ACCEPTED = Set.of(
            JWSAlgorithm.RS256,
            JWSAlgorithm.RS384,
            JWSAlgorithm.RS512,
            JWSAlgorithm.PS256,
            JWSAlgorithm.PS384,
            JWSAlgorithm.PS512,
            JWSAlgorithm.ES256,
            JWSAlgorithm.ES384,
            JWSAlgorithm.ES512,
            JWSAlgorithm.EdDSA,
            JWSAlgorithm.Ed25519);

    /** One usable key and its verifier. */
    record Key(JWK jwk, JWSVerifier verifier) {}

    /** The keys that may check one token: those of its {@code kid} (or all, without one) that fit its algorithm. */
    record Selection(boolean kidKnown, List<Key> keys) {}

    private final List<Key> keys;

    private VerificationKeys(List<Key> keys) {
        this.keys = List.copyOf(keys);
    }

    public static VerificationKeys none() {
        return new VerificationKeys(List.of());
    }

    public int size() {
        return keys.size();
    }

    /** Whether a key with this id is held. */
    public boolean has(String kid) {
        for (Key key : keys) {
            if (kid.equals(key.jwk().getKeyID())) {
                return true;
            }
        }
        return false;
    }

    /** The key ids held, for the log. */
    public List<String> kids() {
        return keys.stream().map(k -> String.valueOf(k.jwk().getKeyID())).toList();
    }

    /**
     * Reads an issuer's published key set leniently: keys this class cannot or will not use are skipped (issuers also
     * publish encryption keys and algorithms we do not take). Throws {@link ParseException} when it is not a JWK set.
     */
    public static VerificationKeys published(String json) throws ParseException {
        return read(json, false);
    }

    /**
     * Reads a key set given inline with a trust entry strictly: every key must be a public signing key this class can
     * use, and there must be one at least. Throws {@link IllegalArgumentException} saying what is wrong, for the trust
     * API to answer 400 with (a private or symmetric key pasted by mistake is refused, not quietly trimmed).
     */
    public static VerificationKeys inline(String json) {
        try {
            return read(json, true);
        } catch (ParseException e) {
            throw new IllegalArgumentException("is not a JWK set: " + e.getMessage());
        }
    }

    private static VerificationKeys read(String json, boolean strict) throws ParseException {
        Map<String, Object> set = JSONObjectUtils.parse(json);
        List<Object> entries = JSONObjectUtils.getJSONArray(set, "keys");
        if (entries == null) {
            throw new ParseException("no \"keys\" array", 0);
        }
        if (strict && entries.size() > MAX_KEYS) {
            throw new IllegalArgumentException("holds " + entries.size() + " keys; at most " + MAX_KEYS);
        }
        List<Key> usable = new ArrayList<>();
        for (Object entry : entries) {
            if (usable.size() == MAX_KEYS) {
                break;
            }
            if (!(entry instanceof Map<?, ?> map)) {
                if (strict) {
                    throw new IllegalArgumentException("holds a key that is not a JSON object");
                }
                continue;
            }
            try {
                @SuppressWarnings("unchecked")
                JWK jwk = JWK.parse((Map<String, Object>) map);
                String unusable = unusable(jwk);
                if (unusable != null) {
                    if (strict) {
                        throw new IllegalArgumentException(
                                "key " + Objects.toString(jwk.getKeyID(), "without kid") + " " + unusable);
                    }
                    continue;
                }
                JWK pub = jwk.toPublicJWK();
                usable.add(new Key(pub, verifier(pub)));
            } catch (ParseException | JOSEException e) {
                if (strict) {
                    throw new IllegalArgumentException("holds a key that cannot be read: " + e.getMessage());
                }
            }
        }
        if (strict && usable.isEmpty()) {
            throw new IllegalArgumentException("holds no key");
        }
        return new VerificationKeys(usable);
    }

    /** Why a key may not verify subject tokens here; null when it may. */
    private static String unusable(JWK jwk) {
        if (jwk.isPrivate() && !KeyType.OCT.equals(jwk.getKeyType())) {
            return "holds a private key; give only the public key";
        }
        if (jwk.getKeyUse() != null && !KeyUse.SIGNATURE.equals(jwk.getKeyUse())) {
            return "is not for signatures (use " + jwk.getKeyUse().identifier() + ")";
        }
        if (jwk.getKeyOperations() != null && !jwk.getKeyOperations().contains(KeyOperation.VERIFY)) {
            return "is not for verifying (key_ops)";
        }
        if (jwk instanceof RSAKey rsa) {
            return rsa.size() >= 2048 ? null : "is an RSA key shorter than 2048 bits";
        }
        if (jwk instanceof ECKey ec) {
            Curve curve = ec.getCurve();
            return Curve.P_256.equals(curve) || Curve.P_384.equals(curve) || Curve.P_521.equals(curve)
                    ? null
                    : "is on a curve not accepted (" + curve + "); P-256, P-384 or P-521";
        }
        if (jwk instanceof OctetKeyPair okp) {
            return Curve.Ed25519.equals(okp.getCurve()) ? null : "is an OKP key that is not Ed25519";
        }
        return "is of a type not accepted (" + jwk.getKeyType() + "); RSA, EC or OKP (Ed25519)";
    }

    private static JWSVerifier verifier(JWK jwk) throws JOSEException {
        if (jwk instanceof RSAKey rsa) {
            return new RSASSAVerifier(rsa);
        }
        if (jwk instanceof ECKey ec) {
            return new ECDSAVerifier(ec);
        }
        return new JdkEd25519Verifier((OctetKeyPair) jwk);
    }

    /** The keys that may verify a token with this {@code kid} (null: none given) and {@code alg}. */
    Selection select(String kid, JWSAlgorithm alg) {
        boolean kidKnown = kid == null;
        List<Key> fitting = new ArrayList<>();
        for (Key key : keys) {
            if (kid != null && !kid.equals(key.jwk().getKeyID())) {
                continue;
            }
            kidKnown = true;
            if (fits(key.jwk(), alg)) {
                fitting.add(key);
            }
        }
        return new Selection(kidKnown, fitting);
    }

    /** Whether the key is of the family and curve {@code alg} needs, and does not name another algorithm. */
    static boolean fits(JWK jwk, JWSAlgorithm alg) {
        if (jwk.getAlgorithm() != null && !jwk.getAlgorithm().getName().equals(alg.getName())) {
            return false;
        }
        if (jwk instanceof RSAKey) {
            return JWSAlgorithm.Family.RSA.contains(alg);
        }
        if (jwk instanceof ECKey ec) {
            return (JWSAlgorithm.ES256.equals(alg) && Curve.P_256.equals(ec.getCurve()))
                    || (JWSAlgorithm.ES384.equals(alg) && Curve.P_384.equals(ec.getCurve()))
                    || (JWSAlgorithm.ES512.equals(alg) && Curve.P_521.equals(ec.getCurve()));
        }
        return jwk instanceof OctetKeyPair && (JWSAlgorithm.EdDSA.equals(alg) || JWSAlgorithm.Ed25519.equals(alg));
    }
}
