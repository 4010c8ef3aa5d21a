package io.patgate.exchange;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.patgate.config.PatgateConfig;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.text.ParseException;
import java.time.Clock;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Judges a subject token of RFC 8693 token exchange against the trust entries of its issuer, in the order that leaks
 * least and costs least: the form (a JWS, never {@code alg: none}, never an encrypted token), the algorithm (only
 * {@link VerificationKeys#ACCEPTED}: no HMAC, so no "HS256 signed with the public key" confusion), the trusts of its
 * {@code iss} (none: refused before any key is read), the key of its {@code kid} (the issuer's keys read again on
 * an unknown kid, see {@link IssuerKeys}; or the trust's inline key set), the signature, then the claims, only once
 * the signature holds: {@code exp} required, not past ({@code patgate.oidc.clock-skew}, 30 s), {@code nbf} and
 * {@code iat} not in the future beyond the skew, {@code iss} equal to the trust's issuer, {@code aud} containing its
 * audience, and {@code sub} and the named claims matching its patterns ({@link Patterns}). The first trust, in the
 * source's order, that accepts the token is the one used. The rules of the claims are {@link ClaimChecks}'s.
 * <p>
 * Thread-safe and shared; the signature check and the claims run on the calling thread (tens of microseconds), key
 * reads are non-blocking, and the verdict is delivered on the caller's Vert.x context (the one it subscribed on), so
 * the caller may go on to the database after it.
 */
@ApplicationScoped
public class SubjectTokenVerifier {

    /** Longer tokens are refused unread: identity tokens are a few kilobytes. */
    public static final int MAX_TOKEN_CHARS = 16 * 1024;

    private final IssuerKeys issuerKeys;
    /** The rules of the claims, checked once the signature holds. */
    private final ClaimChecks claimChecks;
    /** Inline key sets, parsed once per distinct text (the trust API saves them checked already). */
    private final Cache<String, Object> inline =
            Caffeine.newBuilder().maximumSize(1_000).build();

    @Inject
    public SubjectTokenVerifier(IssuerKeys issuerKeys, PatgateConfig config) {
        this(issuerKeys, config, Clock.systemUTC());
    }

    public SubjectTokenVerifier(IssuerKeys issuerKeys, PatgateConfig config, Clock clock) {
        this.issuerKeys = issuerKeys;
        this.claimChecks = new ClaimChecks(clock, config.oidc().clockSkew());
    }

    /**
     * The verdict on {@code subjectToken}, with the trust entries {@code trusts} gives for its issuer. Fails only when
     * {@code trusts} does (its database cannot be read); every judgement of the token is a {@link Verdict}.
     */
    public Uni<Verdict> verify(String subjectToken, TrustSource trusts) {
        return Uni.createFrom().deferred(() -> {
            io.vertx.core.Context caller = io.vertx.core.Vertx.currentContext();
            Uni<Verdict> verdict = judge(subjectToken, trusts);
            // key reads shared between exchanges may complete on another event loop: come back to the caller's
            return caller == null ? verdict : verdict.emitOn(task -> caller.runOnContext(ignored -> task.run()));
        });
    }

    private Uni<Verdict> judge(String token, TrustSource source) {
        if (token == null || token.isBlank()) {
            return refused(ExchangeOutcome.MALFORMED, "empty subject token");
        }
        if (token.length() > MAX_TOKEN_CHARS) {
            return refused(
                    ExchangeOutcome.MALFORMED,
                    "subject token of " + token.length() + " characters; at most " + MAX_TOKEN_CHARS);
        }
        JWT jwt;
        try {
            jwt = JWTParser.parse(token.trim());
        } catch (ParseException e) {
            return refused(ExchangeOutcome.MALFORMED, "not a JWT: " + DocumentFetcher.safe(e.getMessage()));
        }
        if (jwt instanceof PlainJWT) {
            return refused(ExchangeOutcome.ALGORITHM_REFUSED, "alg none (an unsigned token)");
        }
        if (jwt instanceof EncryptedJWT || !(jwt instanceof SignedJWT)) {
            return refused(ExchangeOutcome.MALFORMED, "an encrypted token (JWE), not a signed one");
        }
        SignedJWT jws = (SignedJWT) jwt;
        JWSHeader header = jws.getHeader();
        JWSAlgorithm alg = header.getAlgorithm();
        if (!VerificationKeys.ACCEPTED.contains(alg)) {
            return refused(ExchangeOutcome.ALGORITHM_REFUSED, "alg " + DocumentFetcher.safe(alg.getName()));
        }
        JWTClaimsSet claims;
        try {
            claims = jws.getJWTClaimsSet();
        } catch (ParseException e) {
            return refused(
                    ExchangeOutcome.MALFORMED,
                    "claims are not a JSON object of the registered types: " + DocumentFetcher.safe(e.getMessage()));
        }
        String issuer = claims.getIssuer();
        if (issuer == null || issuer.isBlank()) {
            return refused(ExchangeOutcome.UNTRUSTED_ISSUER, "no iss");
        }
        return source.trustsFor(issuer).chain(found -> {
            List<Trust> trusts =
                    found.stream().filter(t -> issuer.equals(t.issuer())).toList();
            if (trusts.isEmpty()) {
                return refused(
                        ExchangeOutcome.UNTRUSTED_ISSUER, "no trust names issuer " + DocumentFetcher.safe(issuer));
            }
            Uni<Discovered> discovered = trusts.stream().allMatch(t -> t.jwks() != null)
                    ? Uni.createFrom().item(new Discovered(null, "not needed"))
                    : issuerKeys
                            .keys(issuer, header.getKeyID())
                            .map(keys -> new Discovered(keys, null))
                            .onFailure(IssuerUnavailable.class)
                            .recoverWithItem(e -> new Discovered(null, e.getMessage()));
            return discovered.map(keys -> judge(jws, claims, issuer, trusts, keys));
        });
    }

    /** The issuer's keys from discovery, or why there are none. */
    private record Discovered(VerificationKeys keys, String problem) {}

    /** The verdict once the trusts and the keys are at hand: synchronous. */
    private Verdict judge(
            SignedJWT jws, JWTClaimsSet claims, String issuer, List<Trust> trusts, Discovered discovered) {
        JWSHeader header = jws.getHeader();
        String kid = header.getKeyID();
        Map<VerificationKeys, Boolean> checked = new IdentityHashMap<>();
        Verdict.Refused best = null;
        for (Trust trust : trusts) {
            Verdict.Refused refusal;
            VerificationKeys keys;
            String keysProblem = null;
            if (trust.jwks() != null) {
                Object parsed = inline.get(trust.jwks(), SubjectTokenVerifier::parseInline);
                keys = parsed instanceof VerificationKeys k ? k : null;
                keysProblem = parsed instanceof String problem ? problem : null;
            } else {
                keys = discovered.keys();
                keysProblem = discovered.problem();
            }
            if (keys == null) {
                refusal = trust.jwks() != null
                        ? new Verdict.Refused(
                                ExchangeOutcome.UNKNOWN_KEY,
                                "the inline jwks of trust " + trust.id() + " " + keysProblem)
                        : new Verdict.Refused(
                                ExchangeOutcome.ISSUER_UNAVAILABLE,
                                "no keys of issuer " + DocumentFetcher.safe(issuer)
                                        + " could be read, nor are any young enough held: " + keysProblem);
            } else {
                Boolean verified = checked.get(keys);
                if (verified == null) {
                    VerificationKeys.Selection selection = keys.select(kid, header.getAlgorithm());
                    if (!selection.kidKnown() || selection.keys().isEmpty()) {
                        refusal = new Verdict.Refused(
                                ExchangeOutcome.UNKNOWN_KEY,
                                (selection.kidKnown()
                                                ? "no key" + (kid == null ? "" : " of kid " + DocumentFetcher.safe(kid))
                                                        + " fits alg " + header.getAlgorithm()
                                                : "kid " + DocumentFetcher.safe(kid) + " is not among the keys "
                                                        + keys.kids())
                                        + (trust.jwks() != null
                                                ? " of trust " + trust.id()
                                                : " of issuer " + DocumentFetcher.safe(issuer)));
                        best = better(best, refusal);
                        continue;
                    }
                    verified = verifies(jws, selection.keys());
                    checked.put(keys, verified);
                }
                if (!verified) {
                    refusal = new Verdict.Refused(
                            ExchangeOutcome.BAD_SIGNATURE,
                            "the signature does not verify with key "
                                    + (kid == null ? "(no kid)" : DocumentFetcher.safe(kid))
                                    + (trust.jwks() != null
                                            ? " of trust " + trust.id()
                                            : " of issuer " + DocumentFetcher.safe(issuer)));
                } else {
                    Verdict.Refused time = claimChecks.timeRefusal(claims);
                    if (time != null) {
                        return time; // the same for every trust: the token is signed, but not good now
                    }
                    refusal = ClaimChecks.claimsRefusal(claims, trust);
                    if (refusal == null) {
                        return new Verdict.Accepted(
                                issuer,
                                claims.getSubject(),
                                trust,
                                claims.getExpirationTime().toInstant(),
                                claims.getJWTID());
                    }
                }
            }
            best = better(best, refusal);
        }
        return best;
    }

    private static boolean verifies(SignedJWT jws, List<VerificationKeys.Key> keys) {
        for (VerificationKeys.Key key : keys) {
            try {
                if (jws.verify(key.verifier())) {
                    return true;
                }
            } catch (JOSEException | IllegalStateException e) {
                // an algorithm this key's verifier cannot do, or a signature of the wrong shape: not verified by it
            }
        }
        return false;
    }

    /** Of two refusals, the one that got further (the more useful to whoever reads the log). */
    private static Verdict.Refused better(Verdict.Refused a, Verdict.Refused b) {
        return a == null || rank(b.outcome()) > rank(a.outcome()) ? b : a;
    }

    private static int rank(ExchangeOutcome outcome) {
        return switch (outcome) {
            case UNKNOWN_KEY -> 1;
            case BAD_SIGNATURE -> 2;
            case ISSUER_UNAVAILABLE -> 3; // a trust that might have accepted the token could not be judged
            case WRONG_AUDIENCE -> 4;
            case NO_MATCHING_TRUST -> 5;
            default -> 0;
        };
    }

    /** A parsed inline key set, or a String saying why it cannot be used (cached alike). */
    private static Object parseInline(String jwks) {
        try {
            return VerificationKeys.inline(jwks);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    private static Uni<Verdict> refused(ExchangeOutcome outcome, String detail) {
        return Uni.createFrom().item(new Verdict.Refused(outcome, detail));
    }
}
