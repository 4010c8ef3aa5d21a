package io.patgate.identity;

import io.patgate.config.PatgateConfig;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.UUID;

/**
 * Builds and signs every JWT this service issues, in one place: ES256 under the active key's {@code kid},
 * with a {@code typ} header that says what the token is, so a session can never pose as a PAT or back.
 */
@ApplicationScoped
public class TokenSigner {

    /** {@code typ} of session JWTs. */
    public static final String SESSION_TYPE = "session+jwt";
    /** {@code typ} of personal access tokens. */
    public static final String PAT_TYPE = "pat+jwt";

    private final KeyRing keys;
    private final String issuer;

    public TokenSigner(KeyRing keys, PatgateConfig config) {
        this.keys = keys;
        this.issuer = config.keys().issuer();
    }

    public String sign(String type, UUID jti, UUID subject, String username, Instant issuedAt, Instant expiresAt) {
        return sign(type, jti, subject, username, issuedAt, expiresAt, null);
    }

    /**
     * @param nonce random text that makes every value unique, even two values of one token (id) signed in
     *              the same second; null for none
     */
    public String sign(String type, UUID jti, UUID subject, String username, Instant issuedAt, Instant expiresAt, String nonce) {
        KeyRing.Signer signer = keys.signer();
        var claims = Jwt.claims();
        if (nonce != null) {
            claims.claim("nonce", nonce);
        }
        return claims
                .issuer(issuer)
                .subject(subject.toString())
                .upn(username)
                .claim("jti", jti.toString())
                .issuedAt(issuedAt.getEpochSecond())
                .expiresAt(expiresAt.getEpochSecond())
                .jws()
                .algorithm(SignatureAlgorithm.ES256)
                .keyId(signer.kid())
                .type(type)
                .sign(signer.key());
    }
}
