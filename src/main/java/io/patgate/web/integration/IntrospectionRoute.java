package io.patgate.web.integration;

import io.patgate.domain.Permissions;
import io.patgate.identity.CredentialRequest;
import io.patgate.identity.CredentialVerifier;
import io.patgate.identity.PatgateIdentityProvider;
import io.patgate.identity.Verdict;
import io.patgate.web.ClientAddress;
import io.patgate.web.HotRoutes;
import io.patgate.web.ProblemWriter;
import io.patgate.web.Problems;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import org.jboss.logging.Logger;

/**
 * {@code POST /oauth/introspect} (RFC 7662) on the fast path: like {@link ForwardAuthRoute}, a plain Vert.x
 * route on the event loop, with the caller's own credential and the token asked about both judged by the
 * same in-memory {@link CredentialVerifier} as every request, without the REST and security layers around
 * them. The caller's own credential is judged as any request's (its fence applies to the caller's address, its use is
 * recorded); the token asked about is only described: its fence is answered as {@code allowed_cidrs} for the resource
 * server to apply to its client, and no use of it is recorded. Documented in {@code META-INF/openapi.yaml}.
 */
@ApplicationScoped
public class IntrospectionRoute {

    public static final String PATH = "/oauth/introspect";
    /** A form with one token (at most 4 KiB) and a hint; anything much larger is not an introspection request. */
    static final int MAX_BODY = 16 * 1024;

    private static final String FORM = "application/x-www-form-urlencoded";
    private static final CharSequence JSON = HttpHeaders.createOptimized("application/json");
    private static final CharSequence NO_STORE = HttpHeaders.createOptimized("no-store");
    private static final Logger LOG = Logger.getLogger(IntrospectionRoute.class);

    private final ClientAddress clientAddress;
    private final ProblemWriter problems;
    private final HotRoutes routes;
    private final CredentialVerifier verifier;

    public IntrospectionRoute(
            ClientAddress clientAddress, ProblemWriter problems, HotRoutes routes, CredentialVerifier verifier) {
        this.verifier = verifier;
        this.clientAddress = clientAddress;
        this.problems = problems;
        this.routes = routes;
    }

    void install(@Observes Router router) {
        router.route(PATH).order(HotRoutes.ORDER).handler(this::introspect);
    }

    private void introspect(RoutingContext ctx) {
        if (!routes.begin(ctx, MAX_BODY, true)) {
            return;
        }
        HttpServerRequest request = ctx.request();
        if (request.method() != HttpMethod.POST) {
            ctx.response().putHeader(HttpHeaders.ALLOW, "POST");
            problems.write(ctx, Problems.forStatus(405, null));
            return;
        }
        String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
        if (type == null || !type.regionMatches(true, 0, FORM, 0, FORM.length())) {
            problems.write(ctx, Problems.forStatus(415, null));
            return;
        }
        String address = clientAddress.of(request);
        CredentialRequest credential = routes.credential(ctx, address);
        if (credential == null) {
            return;
        }
        // the first chunk is kept as it is (Vert.x hands each chunk over as a copy of its own): a form of one token
        // nearly always is one chunk
        Buffer[] body = {null};
        boolean[] tooLarge = {false};
        request.handler(chunk -> {
            if (tooLarge[0]) {
                return;
            }
            int had = body[0] == null ? 0 : body[0].length();
            if (had + chunk.length() > MAX_BODY) {
                // a body with no length, or a longer one than it said: answered now, and the connection goes
                tooLarge[0] = true;
                ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
                problems.write(ctx, Problems.payloadTooLarge("The request body is larger than " + MAX_BODY + " bytes"));
            } else if (body[0] == null) {
                body[0] = chunk;
            } else {
                body[0].appendBuffer(chunk);
            }
        });
        request.exceptionHandler(e -> LOG.debugf("Introspection request failed: %s", e.toString()));
        request.endHandler(ignored -> {
            if (tooLarge[0]) {
                return;
            }
            String token = body[0] == null ? null : formField(body[0].toString(StandardCharsets.UTF_8), "token");
            routes.settle(ctx, verifier.check(credential), verdict -> answer(ctx, verdict, token), "Introspection");
        });
        request.resume();
    }

    private void answer(RoutingContext ctx, Verdict verdict, String token) {
        if (!(verdict instanceof Verdict.Accepted accepted)) {
            routes.refuse(ctx, (Verdict.Refused) verdict, Problems.badCredential());
            return;
        }
        var roles = PatgateIdentityProvider.effectiveRoles(accepted.caller());
        if (!roles.contains(Permissions.INTROSPECT) && !roles.contains(Permissions.ADMIN)) {
            problems.write(
                    ctx,
                    Problems.forbidden("Introspection needs the role '" + Permissions.INTROSPECT + "' or 'admin'"));
            return;
        }
        if (token == null || token.isBlank()) {
            write(ctx, Introspection.INACTIVE);
            return;
        }
        // the token asked about was presented to the resource server by its client, whose address only the resource
        // server
        // knows: its fence is not applied to this caller's address but answered (allowed_cidrs), and no use is recorded
        routes.settle(
                ctx,
                verifier.describe(token.trim()),
                described -> write(
                        ctx,
                        described instanceof Verdict.Accepted good
                                ? Introspection.of(good.caller())
                                : Introspection.INACTIVE),
                "Introspection");
    }

    private void write(RoutingContext ctx, Introspection answer) {
        String body = answer.json();
        ctx.response()
                .setStatusCode(200)
                .putHeader(HttpHeaders.CONTENT_TYPE, JSON)
                .putHeader(HttpHeaders.CACHE_CONTROL, NO_STORE)
                .end(body);
    }

    /** Form decoding, skipped for the usual value that has nothing to decode (a token: base64url and dots). */
    private static String decode(String part) {
        return part.indexOf('%') < 0 && part.indexOf('+') < 0 ? part : URLDecoder.decode(part, StandardCharsets.UTF_8);
    }

    /** The first value of {@code name} in an {@code application/x-www-form-urlencoded} body; null when absent or malformed. */
    static String formField(String form, String name) {
        for (String pair : form.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            try {
                if (name.equals(decode(key))) {
                    return eq < 0 ? "" : decode(pair.substring(eq + 1));
                }
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return null;
    }
}
