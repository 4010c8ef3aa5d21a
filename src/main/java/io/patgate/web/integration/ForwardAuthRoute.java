package io.patgate.web.integration;

import io.patgate.identity.Caller;
import io.patgate.identity.CredentialRequest;
import io.patgate.identity.CredentialVerifier;
import io.patgate.identity.Verdict;
import io.patgate.web.ClientAddress;
import io.patgate.web.CredentialReader;
import io.patgate.web.HotRoutes;
import io.patgate.web.MetricPaths;
import io.patgate.web.Problem;
import io.patgate.web.ProblemWriter;
import io.patgate.web.Problems;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;

/**
 * {@code GET /auth/verify}: forward-auth for ingresses (nginx {@code auth_request}, Traefik ForwardAuth,
 * Envoy {@code ext_authz}). It answers from memory whether the request's credential is good, and who it
 * is. This is the hottest path of the service, so it is a plain Vert.x route on the event loop: the same
 * header rules ({@link CredentialReader}) and the same check ({@link CredentialVerifier}) as
 * every API endpoint, without the REST and security layers around them. Documented in
 * {@code META-INF/openapi.yaml}.
 */
@ApplicationScoped
public class ForwardAuthRoute {

    public static final String PATH = "/auth/verify";

    private final ClientAddress clientAddress;
    private final ProblemWriter problems;
    private final HotRoutes routes;
    private static final Problem INVALID = Problems.unauthorized("The credential is invalid, expired or revoked");

    private final io.patgate.identity.CheckMetrics checks;
    private final CredentialVerifier verifier;

    public ForwardAuthRoute(
            ClientAddress clientAddress,
            ProblemWriter problems,
            HotRoutes routes,
            io.patgate.identity.CheckMetrics checks,
            CredentialVerifier verifier) {
        this.checks = checks;
        this.verifier = verifier;
        this.clientAddress = clientAddress;
        this.problems = problems;
        this.routes = routes;
    }

    /** Scopes an ingress may require by header instead of {@code ?scope=} (Envoy cannot add a query). */
    public static final String REQUIRE_HEADER = "X-Auth-Require-Scope";

    void install(@Observes Router router) {
        // any method, and any path below /auth/verify: Envoy's ext_authz sends the original method and
        // appends the original path to its path_prefix; nothing of either changes the answer
        router.route(PATH).order(HotRoutes.ORDER).handler(this::verify);
        router.route(PATH + "/*").order(HotRoutes.ORDER).handler(ctx -> {
            // one metrics series for all of them: a path per request would use up the 100 uri tags (review issue 25)
            MetricPaths.template(ctx, PATH);
            verify(ctx);
        });
    }

    private void verify(RoutingContext ctx) {
        if (!routes.begin(ctx, false)) {
            return;
        }
        CredentialRequest credential = routes.credential(ctx, clientAddress.of(ctx.request()));
        if (credential == null) {
            return;
        }
        routes.settle(ctx, verifier.check(credential), verdict -> answer(ctx, verdict), "Forward-auth check");
    }

    private void answer(RoutingContext ctx, Verdict verdict) {
        if (!(verdict instanceof Verdict.Accepted accepted)) {
            routes.refuse(ctx, (Verdict.Refused) verdict, INVALID);
            return;
        }
        Caller caller = accepted.caller();
        List<String> effective = caller.effectiveScopes();
        // no query (as nearly always): no query parsing, which builds a map for every request (2-3 % of a check's
        // samples)
        List<String> required =
                new java.util.ArrayList<>(ctx.request().query() == null ? List.of() : ctx.queryParam("scope"));
        for (String header : ctx.request().headers().getAll(REQUIRE_HEADER)) {
            for (String scope : header.split(",")) {
                if (!scope.isBlank()) {
                    required.add(scope.trim());
                }
            }
        }
        for (String scope : required) {
            if (!effective.contains(scope)) {
                checks.count(
                        io.patgate.identity.CheckMetrics.Kind.of(caller),
                        io.patgate.identity.CheckMetrics.Outcome.MISSING_SCOPE);
                problems.write(ctx, Problems.forbidden("Missing scope '" + scope + "'"));
                return;
            }
        }
        HttpServerResponse response = ctx.response()
                .putHeader("X-Auth-User", caller.username())
                .putHeader("X-Auth-User-Id", caller.userId().toString())
                .putHeader("X-Auth-Scopes", String.join(",", effective))
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
        if (!caller.isSession()) {
            response.putHeader("X-Auth-Token-Id", caller.credentialId().toString());
        }
        response.setStatusCode(200).end();
    }
}
