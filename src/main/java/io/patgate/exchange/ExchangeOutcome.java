package io.patgate.exchange;

/**
 * How one token exchange ended: the label of {@code patgate_exchanges_total{outcome}}, and for a refusal the RFC 6749
 * section 5.2 error code and the short description the caller gets. The descriptions say what the caller can act on
 * and nothing more: every way a token fails to match a trust (unknown issuer, key or signature, audience, subject,
 * claims) reads the same, so the answers cannot be used to map which issuers, audiences or subjects are trusted; the
 * log and the metric tell them apart.
 */
public enum ExchangeOutcome {
    ISSUED("issued", null, null),
    /** The request itself: a parameter missing, repeated, or not one of the accepted values. */
    INVALID_REQUEST("invalid_request", "invalid_request", null),
    UNSUPPORTED_GRANT_TYPE(
            "unsupported_grant_type",
            "unsupported_grant_type",
            "grant_type must be urn:ietf:params:oauth:grant-type:token-exchange"),
    INVALID_SCOPE("invalid_scope", "invalid_scope", "the scope asked for is beyond the service account's roles"),
    THROTTLED("throttled", null, null),
    /** Not a signed JWT at all: not three parts, not base64url, not JSON, or encrypted. */
    MALFORMED("malformed", "invalid_grant", "the subject token is not a signed JWT"),
    /** {@code none}, any HMAC algorithm, or an asymmetric one not accepted. */
    ALGORITHM_REFUSED(
            "algorithm_refused",
            "invalid_grant",
            "the subject token's signing algorithm is not accepted (RS256, PS256, ES256, EdDSA and their longer forms are)"),
    UNTRUSTED_ISSUER("untrusted_issuer", "invalid_grant", Descriptions.NOT_TRUSTED),
    /** No key of the token's {@code kid} (after a read of the issuer's keys, when the floor allowed one), or none that fits its algorithm. */
    UNKNOWN_KEY("unknown_key", "invalid_grant", Descriptions.NOT_TRUSTED),
    BAD_SIGNATURE("bad_signature", "invalid_grant", Descriptions.NOT_TRUSTED),
    NO_EXPIRY("no_expiry", "invalid_grant", "the subject token has no expiry (exp); only expiring tokens are accepted"),
    EXPIRED("expired", "invalid_grant", "the subject token has expired"),
    NOT_YET_VALID("not_yet_valid", "invalid_grant", "the subject token is not valid yet (nbf or iat in the future)"),
    WRONG_AUDIENCE("wrong_audience", "invalid_grant", Descriptions.NOT_TRUSTED),
    /** Signed and meant for us, but no trust's subject and claim patterns match it. */
    NO_MATCHING_TRUST("no_matching_trust", "invalid_grant", Descriptions.NOT_TRUSTED),
    /** The account of the matching trust is disabled or gone by the time the token would be issued. */
    ACCOUNT_DISABLED("account_disabled", "invalid_grant", Descriptions.NOT_TRUSTED),
    /** A trusted issuer whose keys cannot be had: down, slow, too large, or no keys young enough held. */
    ISSUER_UNAVAILABLE(
            "issuer_unavailable",
            "invalid_grant",
            "the subject token's issuer could not be reached to read its keys; try again later");

    private static final class Descriptions {
        static final String NOT_TRUSTED = "the subject token is not trusted by any service account";
    }

    private final String label;
    private final String error;
    private final String description;

    ExchangeOutcome(String label, String error, String description) {
        this.label = label;
        this.error = error;
        this.description = description;
    }

    /** The metric label. */
    public String label() {
        return label;
    }

    /** The RFC 6749 {@code error} code; null for {@link #ISSUED} and {@link #THROTTLED} (a 429 problem). */
    public String error() {
        return error;
    }

    /** The {@code error_description}; null where the caller's own request says what was wrong (it is given then). */
    public String description() {
        return description;
    }
}
