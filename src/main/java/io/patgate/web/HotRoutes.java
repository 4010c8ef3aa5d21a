package io.patgate.web;

import io.patgate.domain.Refusal;
import io.patgate.identity.Caller;
import io.patgate.identity.CredentialRequest;
import io.patgate.identity.CredentialVerifier;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What the plain Vert.x routes on the hot path ({@code /auth/verify}, {@code /oauth/introspect}) share in
 * front of the in-memory check: reading the credential by the same header rules as every API endpoint, and
 * answering a missing one (401) or a stale replica (503) with the same problems, and a failure with an incident.
 */
@Singleton // on the per-request path: no client proxy between the caller and it
public class HotRoutes {

    private static final Logger LOG = Logger.getLogger(HotRoutes.class);

    /**
     * Where the hot routes go: ahead of everything but the framework's own first steps (start time, access log), so
     * also ahead of its authentication filter (order -200) and of the REST layer's handler behind it, which works out
     * a metrics path template for every request by building a request mapper anew (a tenth of a check's time, for
     * routes that are no REST resource anyway). What this application's own earlier handlers do for other routes
     * (a request id, the body-size guard, the browser headers) these routes do through {@link #begin}.
     */
    public static final int ORDER = -250;

    private final CredentialVerifier verifier;
    private final ProblemWriter problems;

    private final long maxBody;

    public HotRoutes(CredentialVerifier verifier, ProblemWriter problems,
                       @org.eclipse.microprofile.config.inject.ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "10M")
                       io.quarkus.runtime.configuration.MemorySize maxBody) {
        this.verifier = verifier;
        this.problems = problems;
        this.maxBody = maxBody.asLongValue();
    }

    /** {@link #begin(RoutingContext, long, boolean)} with the server's body limit ({@code quarkus.http.limits.max-body-size}). */
    public boolean begin(RoutingContext ctx, boolean browserReachable) {
        return begin(ctx, maxBody, browserReachable);
    }

    /**
     * What runs before every other route runs for these too: the request's id (and, for a path browsers reach, their
     * headers). False once the answer is written: a declared body larger than {@code maxBody} (413, and the
     * connection is closed rather than read to the end).
     */
    public boolean begin(RoutingContext ctx, long maxBody, boolean browserReachable) {
        RequestIds.assignOnly(ctx);
        if (browserReachable) {
            WebRoutes.headersOnly(ctx);
        }
        return ApiRoutes.declaredWithin(ctx, problems, maxBody);
    }

    /**
     * The request's credential, presented from {@code clientAddress}; null once the answer is written: 401 when
     * there is none we accept, 503 when this replica's state is too old to judge any (fail closed).
     */
    public CredentialRequest credential(RoutingContext ctx, String clientAddress) {
        String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
        CredentialRequest credential = header == null ? null : PatgateAuthMechanism.parse(header, clientAddress);
        if (credential == null) {
            problems.write(ctx, Problems.unauthorized("A credential is required"));
            return null;
        }
        if (verifier.isStale()) {
            problems.write(ctx, Problems.of(Refusal.stale()));
            return null;
        }
        return credential;
    }

    /**
     * Judges {@code credential} and hands the verdict to {@code answer}: on the spot when memory is enough (nearly always),
     * else after the one database read a cold token costs; a failure of either is answered by {@link #failed}.
     */
    public void judge(RoutingContext ctx, CredentialRequest credential, Consumer<Optional<Caller>> answer, String what) {
        judge(ctx, () -> verifier.checkNow(credential), () -> verifier.checkCold(credential), answer, what);
    }

    /**
     * {@link #judge(RoutingContext, CredentialRequest, Consumer, String)} for a token asked about by a third party (RFC 7662):
     * judged without its network fence and without recording a use, see {@link CredentialVerifier#describeNow(String)}.
     */
    public void describe(RoutingContext ctx, String token, Consumer<Optional<Caller>> answer, String what) {
        judge(ctx, () -> verifier.describeNow(token), () -> verifier.describeCold(token), answer, what);
    }

    private void judge(RoutingContext ctx, Supplier<Optional<Caller>> now, Supplier<Uni<Optional<Caller>>> later,
                       Consumer<Optional<Caller>> answer, String what) {
        Optional<Caller> verdict;
        try {
            verdict = now.get();
        } catch (RuntimeException e) {
            failed(ctx, e, what);
            return;
        }
        if (verdict != null) {
            answer.accept(verdict);
        } else {
            later.get().subscribe().with(answer, error -> failed(ctx, error, what));
        }
    }

    /** Answers a refusal with its problem; anything else 500 with an incident id that is also in the log, and nothing else about the cause. */
    public void failed(RoutingContext ctx, Throwable error, String what) {
        if (error instanceof Refusal refusal) {
            problems.write(ctx, refusal);
            return;
        }
        String incident = UUID.randomUUID().toString();
        LOG.errorf(error, "%s failed, incident %s", what, incident);
        problems.write(ctx, Problems.internal(incident));
    }
}
