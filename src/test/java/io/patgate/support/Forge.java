package io.patgate.support;

import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.UUID;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.HmacKey;

/** Builds the tokens an attacker would try. None of them may ever be accepted. */
public final class Forge {

    private Forge() {}

    public static JwtClaims claims(String subject, long expiresInSeconds) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer("patgate");
        claims.setSubject(subject);
        claims.setClaim("upn", "admin");
        claims.setJwtId(UUID.randomUUID().toString());
        claims.setIssuedAtToNow();
        claims.setExpirationTime(NumericDate.fromSeconds(System.currentTimeMillis() / 1000 + expiresInSeconds));
        return claims;
    }

    public static String sign(JwtClaims claims, String alg, Key key, String kid, String typ) {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setAlgorithmHeaderValue(alg);
        jws.setKey(key);
        if (kid != null) {
            jws.setKeyIdHeaderValue(kid);
        }
        if (typ != null) {
            jws.setHeader("typ", typ);
        }
        jws.setDoKeyValidation(false);
        if (AlgorithmIdentifiers.NONE.equals(alg)) {
            jws.setAlgorithmConstraints(org.jose4j.jwa.AlgorithmConstraints.NO_CONSTRAINTS);
        }
        try {
            return jws.getCompactSerialization();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code alg: none}: no signature at all. */
    public static String unsigned(String subject, String kid, String typ) {
        return sign(claims(subject, 3600), AlgorithmIdentifiers.NONE, null, kid, typ);
    }

    /** A valid ES256 signature, by a key that is not ours, under our {@code kid}. */
    public static String foreignKey(String subject, String kid, String typ) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return sign(
                    claims(subject, 3600),
                    AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256,
                    g.generateKeyPair().getPrivate(),
                    kid,
                    typ);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** HS256 "signed" with our public key as the HMAC secret: the classic algorithm confusion. */
    public static String hmacWithPublicKey(String subject, String kid, String typ, String publicJwkJson) {
        return sign(
                claims(subject, 3600),
                AlgorithmIdentifiers.HMAC_SHA256,
                new HmacKey(publicJwkJson.getBytes(StandardCharsets.UTF_8)),
                kid,
                typ);
    }

    /** A real token whose payload was edited after signing: {@code field} set to {@code value} (a string, or digits for a number). */
    public static String tamperedPayload(String realToken, String field, String value) {
        String[] parts = realToken.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        String literal = value.matches("\\d+") ? value : "\"" + value + "\"";
        String edited = payload.replaceFirst("\"" + field + "\":(\"[^\"]*\"|\\d+)", "\"" + field + "\":" + literal);
        if (edited.equals(payload)) {
            throw new IllegalArgumentException("no field " + field + " in " + payload);
        }
        return parts[0] + "."
                + Base64.getUrlEncoder().withoutPadding().encodeToString(edited.getBytes(StandardCharsets.UTF_8)) + "."
                + parts[2];
    }
}
