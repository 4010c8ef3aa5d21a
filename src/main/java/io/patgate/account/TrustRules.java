package io.patgate.account;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.patgate.domain.Glob;
import io.patgate.domain.Refusal;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.lang.JoseException;

/**
 * What a trust entry may be, with no database: an issuer URL, an audience, subject and claim patterns that bind the
 * identity to something, a lifetime, and, optionally, the issuer's public keys. Each refusal names its field.
 */
final class TrustRules {

    static final int MIN_TTL = 60;
    static final int MAX_TTL = 3600;
    static final int DEFAULT_TTL = 900;
    /** Live trust entries one service account may hold: every replica holds them all in memory. */
    static final int MAX_PER_ACCOUNT = 100;

    static final int MAX_KEYS = 20;
    static final int MAX_CLAIM_NAME = 128;
    static final int MAX_PATTERN = 512;
    /** Keys of an RSA JWK shorter than this are refused (NIST SP 800-131A). */
    static final int MIN_RSA_BITS = 2048;

    /** Claims with a field of their own (issuer, audience, subject), or that say when, not who. */
    private static final Set<String> NOT_BINDABLE = Set.of("iss", "aud", "sub", "exp", "nbf", "iat", "jti");
    /** JWK members that carry private (or symmetric) key material (RFC 7518 §6.2.2, §6.3.2, §6.4; RFC 8037 §2). */
    private static final List<String> PRIVATE_MEMBERS = List.of("d", "p", "q", "dp", "dq", "qi", "oth", "k");

    private static final Set<String> KEY_TYPES = Set.of("RSA", "EC", "OKP");
    private static final ObjectMapper JSON = new ObjectMapper();

    private TrustRules() {}

    /**
     * An issuer identifier as OpenID Connect Discovery §3 has it: an absolute https URL with a host and no query or
     * fragment, compared with the token's {@code iss} exactly, so it is kept as given.
     */
    static String issuer(String value, boolean allowInsecure) {
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw Refusal.invalid("issuer", "is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute()
                || uri.getHost() == null
                || uri.getHost().isEmpty()
                || !scheme.equals("https") && !scheme.equals("http")) {
            throw Refusal.invalid(
                    "issuer", "must be an absolute https URL, such as https://token.actions.githubusercontent.com");
        }
        if (scheme.equals("http") && !allowInsecure) {
            throw Refusal.invalid("issuer", "must use https (http only where patgate.oidc.allow-insecure=true)");
        }
        if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw Refusal.invalid("issuer", "must have no user, query or fragment");
        }
        return value;
    }

    static String audience(String value) {
        requireText("audience", value, MAX_PATTERN);
        return value;
    }

    /** A subject pattern; null or blank for none. */
    static String subject(String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        requireText("subject", value, MAX_PATTERN);
        return value;
    }

    /** Claim patterns, sorted by name; none for null. */
    static Map<String, String> claims(Map<String, String> requested) {
        Map<String, String> out = new TreeMap<>();
        if (requested == null) {
            return out;
        }
        for (Map.Entry<String, String> claim : requested.entrySet()) {
            String name = claim.getKey();
            String field = "claims." + name;
            if (name.isEmpty()
                    || name.length() > MAX_CLAIM_NAME
                    || name.codePoints().anyMatch(Character::isISOControl)) {
                throw Refusal.invalid(
                        "claims", "claim names are 1-" + MAX_CLAIM_NAME + " characters without control characters");
            }
            if (NOT_BINDABLE.contains(name)) {
                throw Refusal.invalid(
                        field,
                        "cannot be bound here"
                                + switch (name) {
                                    case "iss" -> ": that is the issuer";
                                    case "aud" -> ": that is the audience";
                                    case "sub" -> ": that is the subject";
                                    default -> ": it says when, not who";
                                });
            }
            if (claim.getValue() == null) {
                throw Refusal.invalid(field, "needs a pattern");
            }
            requireText(field, claim.getValue(), MAX_PATTERN);
            out.put(name, claim.getValue());
        }
        return out;
    }

    /**
     * A trust must bind the identity to something beyond the issuer and audience: one issuer (GitHub Actions, GitLab.com)
     * signs for every repository in the world, and "any subject" would let all of them act as the account.
     */
    static void requireBinding(String subject, Map<String, String> claims) {
        if (!Glob.binds(subject) && claims.values().stream().noneMatch(Glob::binds)) {
            throw Refusal.invalid(
                    "subject",
                    "bind the subject or at least one claim to something other than '*': otherwise every identity "
                            + "the issuer signs for this audience could act as the service account");
        }
    }

    static int maxTtl(Integer requested) {
        if (requested == null) {
            return DEFAULT_TTL;
        }
        if (requested < MIN_TTL || requested > MAX_TTL) {
            throw Refusal.invalid("maxTtlSeconds", "must be between " + MIN_TTL + " and " + MAX_TTL);
        }
        return requested;
    }

    /**
     * An inline JWKS (RFC 7517 §5) holding public signing keys only, as compact JSON; null for none. A private member
     * ({@code d} and the rest) or a symmetric key is refused rather than dropped: whoever pasted it has leaked a key.
     */
    static String jwks(JsonNode jwks) {
        if (jwks == null || jwks.isNull()) {
            return null;
        }
        JsonNode keys = jwks.isObject() ? jwks.get("keys") : null;
        if (keys == null || !keys.isArray() || keys.isEmpty()) {
            throw Refusal.invalid("jwks", "must be a JWKS document: an object with a non-empty \"keys\" array");
        }
        if (keys.size() > MAX_KEYS) {
            throw Refusal.invalid("jwks.keys", "must hold at most " + MAX_KEYS + " keys");
        }
        for (int i = 0; i < keys.size(); i++) {
            key(keys.get(i), "jwks.keys[" + i + "]");
        }
        try {
            return JSON.writeValueAsString(jwks);
        } catch (JsonProcessingException e) {
            throw Refusal.invalid("jwks", "cannot be written as JSON");
        }
    }

    private static void key(JsonNode key, String field) {
        if (!key.isObject()) {
            throw Refusal.invalid(field, "must be a JWK object");
        }
        String kty = key.path("kty").asText("");
        if ("oct".equals(kty)) {
            throw Refusal.invalid(
                    field,
                    "is a symmetric key (kty oct): a key that verifies could also sign; give the issuer's public key");
        }
        if (!KEY_TYPES.contains(kty)) {
            throw Refusal.invalid(field, "must have kty RSA, EC or OKP");
        }
        for (String member : PRIVATE_MEMBERS) {
            if (key.has(member)) {
                throw Refusal.invalid(field, "holds private key material ('" + member + "'): give the public key only");
            }
        }
        if (key.has("use") && !"sig".equals(key.get("use").asText())) {
            throw Refusal.invalid(field, "must be a signing key (use sig)");
        }
        Map<String, Object> members = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = key.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> member = it.next();
            members.put(member.getKey(), JSON.convertValue(member.getValue(), Object.class));
        }
        JsonWebKey parsed;
        try {
            parsed = JsonWebKey.Factory.newJwk(members);
        } catch (JoseException | RuntimeException e) {
            throw Refusal.invalid(field, "is not a valid " + kty + " public key");
        }
        if (!(parsed instanceof PublicJsonWebKey)) {
            throw Refusal.invalid(field, "is not a public key");
        }
        if (parsed instanceof RsaJsonWebKey rsa
                && rsa.getRsaPublicKey().getModulus().bitLength() < MIN_RSA_BITS) {
            throw Refusal.invalid(field, "is an RSA key shorter than " + MIN_RSA_BITS + " bits");
        }
    }

    private static void requireText(String field, String value, int max) {
        if (value == null || value.isEmpty()) {
            throw Refusal.invalid(field, "must not be empty");
        }
        if (value.length() > max) {
            throw Refusal.invalid(field, "must be at most " + max + " characters");
        }
        if (value.codePoints().anyMatch(Character::isISOControl)) {
            throw Refusal.invalid(field, "must not contain control characters");
        }
    }
}
