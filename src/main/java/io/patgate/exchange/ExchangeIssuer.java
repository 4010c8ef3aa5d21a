package io.patgate.exchange;

import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Issues the patgate token a verified subject token is exchanged for: the service accounts' side implements it (the
 * kind of token, its row or none, and the audit entry of the exchange are theirs). {@link TokenExchange} calls it only
 * with an {@link Verdict.Accepted accepted} subject token, and only once per exchange.
 */
public interface ExchangeIssuer {

    /**
     * Issues a token of the account of {@code accepted.trust()}, expiring at {@code notAfter} at the latest (already
     * the earlier of the trust's {@code maxTtlSeconds} and the subject token's own {@code exp}), with the scopes
     * asked for ({@code scope}; empty: all the account's roles). Declines with {@link ExchangeOutcome#INVALID_SCOPE}
     * when a scope is not one of the account's roles, and {@link ExchangeOutcome#ACCOUNT_DISABLED} when the account is
     * disabled or gone (its trust may have been read a moment before that changed).
     */
    Uni<Issuance> issue(Verdict.Accepted accepted, Optional<Set<String>> scope, Instant notAfter);

    /** What came of it. */
    sealed interface Issuance {}

    /** The token (its value, for the answer only: never logged or stored in clear), its id, expiry and scopes. */
    record Issued(String accessToken, String tokenId, Instant expiresAt, List<String> scopes) implements Issuance {
        @Override
        public String toString() {
            return "Issued[tokenId=" + tokenId + ", expiresAt=" + expiresAt + ", scopes=" + scopes + "]";
        }
    }

    /** Not issued: {@link ExchangeOutcome#INVALID_SCOPE} or {@link ExchangeOutcome#ACCOUNT_DISABLED}; the detail is for the log. */
    record Declined(ExchangeOutcome outcome, String detail) implements Issuance {}
}
