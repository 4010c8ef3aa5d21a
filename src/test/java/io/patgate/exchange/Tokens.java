package io.patgate.exchange;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * Keys and subject tokens made here, the forgeries included: a good token of any accepted algorithm, one of
 * {@code alg: none}, one "signed" with HS256 under an issuer's public key as the secret, and Ed25519 signed by the
 * JDK (Nimbus's own Ed25519 signer needs Google Tink).
 */
final class Tokens {

    private Tokens() {}

    static RSAKey rsa(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static ECKey ec(String kid) {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An Ed25519 key pair as a JWK (its {@code d} and {@code x} taken from the JDK's encodings). */
    static OctetKeyPair ed25519(String kid) {
        try {
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            byte[] x = Arrays.copyOfRange(pair.getPublic().getEncoded(), 12, 44); // after the 12-byte SPKI prefix
            byte[] d = Arrays.copyOfRange(
                    pair.getPrivate().getEncoded(), 16, 48); // after the PKCS#8 prefix and OCTET STRING header
            return new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(x))
                    .d(Base64URL.encode(d))
                    .keyID(kid)
                    .build();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The public halves as a JWK set, JSON. */
    static String jwks(JWK... keys) {
        return new JWKSet(Arrays.stream(keys).map(JWK::toPublicJWK).toList()).toString();
    }

    /** Claims of a token that {@code issuer} issued a minute ago for {@code audience}, living 10 minutes. */
    static JWTClaimsSet.Builder claims(String issuer, String subject, String audience) {
        return claims(issuer, subject, audience, Instant.now());
    }

    /** The same, {@code now} being the test clock's. */
    static JWTClaimsSet.Builder claims(String issuer, String subject, String audience, Instant now) {
        return new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject(subject)
                .audience(audience)
                .issueTime(Date.from(now.minusSeconds(60)))
                .notBeforeTime(Date.from(now.minusSeconds(60)))
                .expirationTime(Date.from(now.plusSeconds(600)))
                .jwtID("jti-" + System.nanoTime());
    }

    /** Signed with {@code key} under {@code alg}, its kid in the header. */
    static String sign(JWK key, JWSAlgorithm alg, JWTClaimsSet claims) {
        try {
            JWSHeader header = new JWSHeader.Builder(alg)
                    .keyID(key.getKeyID())
                    .type(JOSEObjectType.JWT)
                    .build();
            if (key instanceof OctetKeyPair okp) {
                return signEd25519(okp, header, claims);
            }
            SignedJWT jwt = new SignedJWT(header, claims);
            jwt.sign(key instanceof RSAKey rsa ? new RSASSASigner(rsa) : new ECDSASigner((ECKey) key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sign(RSAKey key, JWTClaimsSet claims) {
        return sign(key, JWSAlgorithm.RS256, claims);
    }

    private static String signEd25519(OctetKeyPair key, JWSHeader header, JWTClaimsSet claims) {
        try {
            String input = header.toBase64URL() + "."
                    + Base64URL.encode(claims.toString().getBytes(StandardCharsets.UTF_8));
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(java.security.KeyFactory.getInstance("Ed25519")
                    .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(pkcs8(key.getDecodedD()))));
            signer.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + Base64URL.encode(signer.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] pkcs8(byte[] d) {
        byte[] prefix = {0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20
        };
        byte[] out = Arrays.copyOf(prefix, prefix.length + 32);
        System.arraycopy(d, 0, out, prefix.length, 32);
        return out;
    }

    /** An unsigned token ({@code alg: none}) with these claims. */
    static String unsigned(JWTClaimsSet claims) {
        return new PlainJWT(claims).serialize();
    }

    /** The alg-confusion forgery: HS256 "signed" with the issuer's public key (its X.509 encoding) as the HMAC secret. */
    static String hs256WithPublicKey(RSAKey issuerKey, JWTClaimsSet claims) {
        try {
            JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.HS256)
                    .keyID(issuerKey.getKeyID())
                    .build();
            SignedJWT jwt = new SignedJWT(header, claims);
            jwt.sign(new MACSigner(issuerKey.toRSAPublicKey().getEncoded()));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An HS256 token under {@code secret}. */
    static String hs256(byte[] secret, String kid, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(
                    new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(kid).build(), claims);
            jwt.sign(new MACSigner(secret));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A trust of an (anonymous) account; {@code jwks} null: keys from discovery. */
    static Trust trust(String issuer, String audience, String subject, Map<String, String> claims, String jwks) {
        return new Trust(
                java.util.UUID.randomUUID(), java.util.UUID.randomUUID(), issuer, audience, subject, claims, 900, jwks);
    }

    static List<String> list(String... values) {
        return List.of(values);
    }
}
