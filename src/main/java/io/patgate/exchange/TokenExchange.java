package io.patgate.exchange;

import io.patgate.config.OauthConfig;
import io.patgate.config.PatgateConfig;
import io.patgate.domain.Refusal;
import io.patgate.domain.Throttle;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * RFC 8693 token exchange at {@code POST /oauth/token}: the request's parameters (RFC 6749 section 3.2 and RFC 8693
 * section 2.1), the {@link SubjectTokenVerifier}'s verdict with the {@link TrustSource}'s trusts, the lifetime (at most
 * the trust's {@code maxTtlSeconds}, never past the subject token's {@code exp}), then the {@link ExchangeIssuer}.
 * Every exchange is counted once ({@link ExchangeMetrics}); every refusal is logged on {@code patgate.security} with
 * what exactly did not hold (never the token), and counted against the client address: past
 * {@code patgate.oauth.exchange-failures-allowed} (20) a minute, the address gets 429 for a while, as leak reports
 * do. Good exchanges are never throttled.
 * <p>
 * Until the service accounts provide a {@link TrustSource} and an {@link ExchangeIssuer}, the grant is answered as
 * unsupported.
 */
@ApplicationScoped
public class TokenExchange {

    public static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:token-exchange";
    public static final String JWT = "urn:ietf:params:oauth:token-type:jwt";
    public static final String ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token";
    public static final String ACCESS_TOKEN = "urn:ietf:params:oauth:token-type:access_token";

    private static final Logger SECURITY = Logger.getLogger("patgate.security");
    /** The default lifetime of a trust that names none, and the longest any may name (the trust API enforces both). */
    static final int DEFAULT_TTL = 900;

    static final int MAX_TTL = 3600;

    /** What the exchange answers. */
    public sealed interface Result {}

    /** 200: RFC 8693 section 2.2.1. */
    public record Issued(String accessToken, long expiresIn, String scope) implements Result {
        @Override
        public String toString() {
            return "Issued[expiresIn=" + expiresIn + ", scope=" + scope + "]";
        }
    }

    /** 400: RFC 6749 section 5.2 ({@code outcome.error()}, and {@code description}); {@code detail} is for the log only. */
    public record Refused(ExchangeOutcome outcome, String description, String detail) implements Result {}

    /** Refusals a trust entry, or its account, newer than this replica's memory could turn into an acceptance. */
    private static final Set<ExchangeOutcome> MAY_BE_A_NEW_TRUST = java.util.EnumSet.of(
            ExchangeOutcome.UNTRUSTED_ISSUER,
            ExchangeOutcome.UNKNOWN_KEY,
            ExchangeOutcome.BAD_SIGNATURE,
            ExchangeOutcome.WRONG_AUDIENCE,
            ExchangeOutcome.NO_MATCHING_TRUST);

    private final SubjectTokenVerifier verifier;
    private final Instance<TrustSource> trusts;
    private final Instance<ExchangeIssuer> issuer;
    private final ExchangeMetrics metrics;
    private final Throttle throttle;
    private final Clock clock = Clock.systemUTC();

    public TokenExchange(
            SubjectTokenVerifier verifier,
            Instance<TrustSource> trusts,
            Instance<ExchangeIssuer> issuer,
            ExchangeMetrics metrics,
            PatgateConfig config) {
        this.verifier = verifier;
        this.trusts = trusts;
        this.issuer = issuer;
        this.metrics = metrics;
        OauthConfig oauth = config.oauth();
        this.throttle = new Throttle(
                oauth.exchangeFailuresAllowed(),
                oauth.exchangeWindow(),
                oauth.maxExchangeLock(),
                clock,
                config.login().maxTracked());
    }

    /**
     * The answer to one token request: {@code form} is its body, every value of every parameter; {@code address}
     * the client's. Throws a throttled {@link Refusal} (429) while the address is past its allowance of refusals.
     */
    public Uni<Result> exchange(Map<String, List<String>> form, String address) {
        String key = Throttle.addressKey(address);
        long wait = throttle.retryAfter(key);
        if (wait > 0) {
            metrics.count(ExchangeOutcome.THROTTLED);
            throw Refusal.throttled(
                    wait, "Too many refused token exchanges from this address; try again in " + wait + " s");
        }
        return answer(form).invoke(result -> {
            if (result instanceof Refused refused) {
                throttle.count(key);
                metrics.count(refused.outcome());
                // one searchable line per refusal, with the request id; what did not hold, never the token
                SECURITY.infof(
                        "exchange-refused outcome=%s address=%s detail=\"%s\"",
                        refused.outcome().label(),
                        address,
                        DocumentFetcher.safe(refused.detail()).replace('"', '\''));
            } else {
                metrics.count(ExchangeOutcome.ISSUED);
            }
        });
    }

    private Uni<Result> answer(Map<String, List<String>> form) {
        for (Map.Entry<String, List<String>> parameter : form.entrySet()) {
            if (parameter.getValue().size() > 1) {
                // RFC 6749 section 3.2: request parameters must not be included more than once
                return refused(ExchangeOutcome.INVALID_REQUEST, parameter.getKey() + " is given more than once", null);
            }
        }
        String grantType = single(form, "grant_type");
        if (grantType == null) {
            return refused(ExchangeOutcome.INVALID_REQUEST, "grant_type is missing", null);
        }
        if (!GRANT_TYPE.equals(grantType) || trusts.isUnsatisfied() || issuer.isUnsatisfied()) {
            return refused(
                    ExchangeOutcome.UNSUPPORTED_GRANT_TYPE,
                    GRANT_TYPE.equals(grantType)
                            ? "token exchange is not set up on this server"
                            : ExchangeOutcome.UNSUPPORTED_GRANT_TYPE.description(),
                    null);
        }
        String subjectToken = single(form, "subject_token");
        if (subjectToken == null) {
            return refused(ExchangeOutcome.INVALID_REQUEST, "subject_token is missing", null);
        }
        String tokenType = single(form, "subject_token_type");
        if (tokenType == null) {
            return refused(ExchangeOutcome.INVALID_REQUEST, "subject_token_type is missing", null);
        }
        if (!JWT.equals(tokenType) && !ID_TOKEN.equals(tokenType)) {
            return refused(
                    ExchangeOutcome.INVALID_REQUEST, "subject_token_type must be " + JWT + " or " + ID_TOKEN, null);
        }
        if (single(form, "actor_token") != null || single(form, "actor_token_type") != null) {
            return refused(ExchangeOutcome.INVALID_REQUEST, "delegation (actor_token) is not supported", null);
        }
        String requested = single(form, "requested_token_type");
        if (requested != null && !ACCESS_TOKEN.equals(requested)) {
            return refused(ExchangeOutcome.INVALID_REQUEST, "requested_token_type can only be " + ACCESS_TOKEN, null);
        }
        Optional<Set<String>> scope;
        try {
            scope = scope(single(form, "scope"));
        } catch (IllegalArgumentException e) {
            return refused(ExchangeOutcome.INVALID_SCOPE, e.getMessage(), null);
        }
        return verdict(subjectToken).chain(verdict -> {
            if (verdict instanceof Verdict.Refused refused) {
                return refused(refused.outcome(), refused.outcome().description(), refused.detail());
            }
            Verdict.Accepted accepted = (Verdict.Accepted) verdict;
            Instant now = clock.instant();
            int ttl = accepted.trust().maxTtlSeconds() <= 0
                    ? DEFAULT_TTL
                    : Math.min(accepted.trust().maxTtlSeconds(), MAX_TTL);
            Instant notAfter = now.plusSeconds(ttl);
            if (accepted.expiresAt().isBefore(notAfter)) {
                notAfter = accepted.expiresAt(); // never past the subject token's own exp
            }
            if (Duration.between(now, notAfter).toSeconds() < 1) {
                // past its exp but within the clock skew: good, but nothing left to issue
                return refused(
                        ExchangeOutcome.EXPIRED,
                        ExchangeOutcome.EXPIRED.description(),
                        "exp " + accepted.expiresAt() + " leaves no lifetime");
            }
            return issuer.get().issue(accepted, scope, notAfter).map(issuance -> {
                if (issuance instanceof ExchangeIssuer.Declined declined) {
                    return new Refused(
                            declined.outcome(),
                            declined.outcome().description(),
                            declined.detail() + " (issuer "
                                    + DocumentFetcher.safe(accepted.issuer()) + ", sub "
                                    + DocumentFetcher.safe(accepted.subject()) + ", trust "
                                    + accepted.trust().id() + ")");
                }
                ExchangeIssuer.Issued issued = (ExchangeIssuer.Issued) issuance;
                long expiresIn = Math.max(
                        1, Duration.between(clock.instant(), issued.expiresAt()).toSeconds());
                return new Issued(issued.accessToken(), expiresIn, String.join(" ", issued.scopes()));
            });
        });
    }

    /**
     * The verifier's verdict with the trusts in memory; when that is a refusal a trust created, changed or enabled a
     * moment ago through another replica could turn, once more with the trusts as the primary holds them. Refusals are
     * throttled per address, so a flood of untrusted tokens costs at most that many reads.
     */
    private Uni<Verdict> verdict(String subjectToken) {
        TrustSource source = trusts.get();
        return verifier.verify(subjectToken, source).chain(verdict -> {
            TrustSource current = source.current();
            return verdict instanceof Verdict.Refused refused
                            && current != null
                            && MAY_BE_A_NEW_TRUST.contains(refused.outcome())
                    ? verifier.verify(subjectToken, current)
                    : Uni.createFrom().item(verdict);
        });
    }

    /** The value of a parameter given once; null when absent or empty (RFC 6749 section 3.1: empty is omitted). */
    private static String single(Map<String, List<String>> form, String name) {
        List<String> values = form.get(name);
        if (values == null
                || values.isEmpty()
                || values.get(0) == null
                || values.get(0).isBlank()) {
            return null;
        }
        return values.get(0).trim();
    }

    /** RFC 6749 section 3.3: space-delimited scope-tokens of printable ASCII but {@code "} and {@code \}; empty: none asked. */
    static Optional<Set<String>> scope(String scope) {
        if (scope == null) {
            return Optional.empty();
        }
        Set<String> scopes = new LinkedHashSet<>();
        for (String token : scope.split(" ")) {
            if (token.isEmpty()) {
                continue;
            }
            for (int i = 0; i < token.length(); i++) {
                char c = token.charAt(i);
                if (c < 0x21 || c > 0x7e || c == '"' || c == '\\') {
                    throw new IllegalArgumentException("scope is not a space-separated list of scope names");
                }
            }
            scopes.add(token);
        }
        return scopes.isEmpty() ? Optional.empty() : Optional.of(scopes);
    }

    private static Uni<Result> refused(ExchangeOutcome outcome, String description, String detail) {
        return Uni.createFrom().item(new Refused(outcome, description, detail == null ? description : detail));
    }
}
