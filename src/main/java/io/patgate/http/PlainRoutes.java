package io.patgate.http;

import io.patgate.domain.Refusal;
import io.patgate.identity.CredentialRequest;
import io.patgate.identity.CredentialVerifier;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.UUID;

/**
 * What the plain Vert.x routes on the hot path ({@code /auth/verify}, {@code /oauth/introspect}) share in
 * front of the in-memory check: reading the credential by the same header rules as every API endpoint, and
 * answering a missing one (401) or a stale replica (503) with the same problems, and a failure with an incident.
 */
@ApplicationScoped
public class PlainRoutes {

    private static final Logger LOG = Logger.getLogger(PlainRoutes.class);

    private final CredentialVerifier verifier;
    private final ProblemWriter problems;

    public PlainRoutes(CredentialVerifier verifier, ProblemWriter problems) {
        this.verifier = verifier;
        this.problems = problems;
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
