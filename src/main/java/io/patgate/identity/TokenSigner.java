package io.patgate.identity;

import io.patgate.config.PatgateConfig;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.UUID;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.lang.JoseException;

/**
 * Builds and signs every JWT this service issues, in one place: ES256 under the active key's {@code kid},
 * with a {@code typ} header that says what the token is, so a session can never pose as a PAT or back.
 */
@ApplicationScoped
public class TokenSigner {

    /** {@code typ} of session JWTs. */
    public static final String SESSION_TYPE = "session+jwt";
    /**
     * {@code typ} of the tokens the RFC 8693 exchange issues to a service account: minutes long, with no row, judged by
     * their account and the trust entry that let them in ({@code trust} claim), and their {@code scope}.
     */
    public static final String EXCHANGE_TYPE = "exchange+jwt";
    /** The claim of an exchanged token that names the trust entry it was issued under. */
    public static final String TRUST_CLAIM = "trust";
    /** {@code typ} of personal access tokens. */
    public static final String PAT_TYPE = "pat+jwt";
    /** How every PAT begins: its first 36 header bytes, up to and including {@code "kid"}, in base64url. */
    public static final String PAT_PREFIX = "eyJ0eXAiOiJwYXQrand0IiwiYWxnIjoiRVMyNTYiLCJraWQi";

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
    public String sign(
            String type, UUID jti, UUID subject, String username, Instant issuedAt, Instant expiresAt, String nonce) {
        KeyRing.Signer signer = keys.signer();
        if (PAT_TYPE.equals(type)) {
            return signPat(signer, jti, subject, username, issuedAt, expiresAt, nonce);
        }
        var claims = Jwt.claims();
        if (nonce != null) {
            claims.claim("nonce", nonce);
        }
        return claims.issuer(issuer)
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

    /**
     * A token the exchange issues to service account {@code subject} under trust entry {@code trust}, with {@code scopes}
     * (space-separated in {@code scope}, as RFC 8693 has it).
     */
    public String signExchange(
            UUID jti,
            UUID subject,
            String username,
            Instant issuedAt,
            Instant expiresAt,
            java.util.Collection<String> scopes,
            UUID trust) {
        KeyRing.Signer signer = keys.signer();
        return Jwt.claims()
                .issuer(issuer)
                .subject(subject.toString())
                .upn(username)
                .claim("jti", jti.toString())
                .claim("scope", String.join(" ", scopes))
                .claim(TRUST_CLAIM, trust.toString())
                .issuedAt(issuedAt.getEpochSecond())
                .expiresAt(expiresAt.getEpochSecond())
                .jws()
                .algorithm(SignatureAlgorithm.ES256)
                .keyId(signer.kid())
                .type(EXCHANGE_TYPE)
                .sign(signer.key());
    }

    /**
     * A PAT, with its header always serialised as {@code {"typ":"pat+jwt","alg":"ES256","kid":"<kid>"}}, in that
     * order (jose4j keeps the order headers are set in; SmallRye JWT does not). So the first 36 header bytes never
     * change and every PAT begins with the same 48 characters, {@value #PAT_PREFIX}, which secret scanners match on
     * (docs/secret-scanning.md, docs/gitleaks.toml). The claims, and their order, are as they always were.
     */
    private String signPat(
            KeyRing.Signer signer,
            UUID jti,
            UUID subject,
            String username,
            Instant issuedAt,
            Instant expiresAt,
            String nonce) {
        JwtClaims claims = new JwtClaims();
        if (nonce != null) {
            claims.setClaim("nonce", nonce);
        }
        claims.setIssuer(issuer);
        claims.setSubject(subject.toString());
        claims.setClaim("upn", username);
        claims.setJwtId(jti.toString());
        claims.setIssuedAt(NumericDate.fromSeconds(issuedAt.getEpochSecond()));
        claims.setExpirationTime(NumericDate.fromSeconds(expiresAt.getEpochSecond()));

        JsonWebSignature jws = new JsonWebSignature();
        jws.setHeader("typ", PAT_TYPE);
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
        jws.setKeyIdHeaderValue(signer.kid());
        jws.setPayload(claims.toJson());
        jws.setKey(signer.key());
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException("Could not sign a personal access token", e);
        }
    }
}
