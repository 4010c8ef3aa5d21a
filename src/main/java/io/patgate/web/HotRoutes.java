package io.patgate.web;

import io.patgate.domain.Refusal;
import io.patgate.identity.CredentialRequest;
import io.patgate.identity.CredentialVerifier;
import io.patgate.identity.Verdict;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;
import java.util.UUID;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * What the plain Vert.x routes on the hot path ({@code /auth/verify}, {@code /oauth/introspect}) share around the
 * in-memory check: reading the credential with the API's {@link CredentialReader} (so a missing or unreadable one is 401
 * and a stale replica 503, in that order, everywhere), settling a {@link Verdict}, and answering a failure with an
 * incident.
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
    private final CredentialReader reader;
    private final ProblemWriter problems;

    private final long maxBody;

    public HotRoutes(
            CredentialVerifier verifier,
            CredentialReader reader,
            ProblemWriter problems,
            @org.eclipse.microprofile.config.inject.ConfigProperty(
                            name = "quarkus.http.limits.max-body-size",
                            defaultValue = "10M")
                    io.quarkus.runtime.configuration.MemorySize maxBody) {
        this.verifier = verifier;
        this.reader = reader;
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
     * The request's credential, presented from {@code clientAddress}, read by {@link CredentialReader} (as the API reads
     * it); null once the answer is written: 401 when there is none, or none we can read; 503 when this replica's state is
     * too old to judge one (fail closed).
     */
    public CredentialRequest credential(RoutingContext ctx, String clientAddress) {
        CredentialReader.Reading reading = reader.read(ctx.request(), clientAddress);
        if (reading instanceof CredentialReader.Presented presented) {
            return presented.credential();
        }
        if (reading instanceof CredentialReader.Refused refused) {
            problems.write(ctx, refused.refusal());
        } else {
            problems.write(ctx, Problems.unauthorized("A credential is required"));
        }
        return null;
    }

    /**
     * Hands {@code verdict} to {@code answer} once it is accepted or refused: on the spot when memory was enough (nearly
     * always), else after the one database read a cold token costs ({@link CredentialVerifier#read}); a failure of that
     * read is answered by {@link #failed}. {@code answer} never sees {@link Verdict.NeedsRead}.
     */
    public void settle(RoutingContext ctx, Verdict verdict, Consumer<Verdict> answer, String what) {
        if (verdict instanceof Verdict.NeedsRead needs) {
            verifier.read(needs).subscribe().with(answer, error -> failed(ctx, error, what));
        } else {
            answer.accept(verdict);
        }
    }

    /**
     * Writes the answer to a refused credential: 503 when this replica could not judge it (stale state), else 401 with
     * {@code invalid}, the route's problem for a credential that is not good now.
     */
    public void refuse(RoutingContext ctx, Verdict.Refused refused, Problem invalid) {
        problems.write(ctx, refused.unavailable() ? Problems.of(Refusal.stale()) : invalid);
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
