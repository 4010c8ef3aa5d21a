package io.patgate.web;

import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.TimeoutHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Errors that happen below the REST layer still answer {@code application/problem+json}: an unknown
 * path under {@code /api}, a body over {@code quarkus.http.limits.max-body-size} (413), and failures the
 * HTTP layer raises by status code.
 */
@ApplicationScoped
public class ApiRoutes {

    /** Quarkus enforces the body limit at order -2 with an empty 413; we answer first, with a problem. */
    private static final int BEFORE_BODY_LIMIT = -3;
    /** The REST layer's route is at order 20500; this one comes after it. */
    private static final int AFTER_REST = 30_000;

    private final ProblemWriter problems;
    private final long maxBodyBytes;
    private final long requestTimeoutMillis;

    public ApiRoutes(
            ProblemWriter problems,
            io.patgate.config.PatgateConfig config,
            @ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "10M") MemorySize maxBody) {
        this.problems = problems;
        this.maxBodyBytes = maxBody.asLongValue();
        this.requestTimeoutMillis = config.http().requestTimeout().toMillis();
    }

    void install(@Observes Router router) {
        router.route().order(BEFORE_BODY_LIMIT).handler(this::limitBody);
        // a database that hangs rather than refuses must not hold API requests for the connect timeout
        router.route("/api/*").order(BEFORE_BODY_LIMIT).handler(TimeoutHandler.create(requestTimeoutMillis, 503));
        router.route("/api/*").order(AFTER_REST).handler(ctx -> problems.write(ctx, Problems.noSuchResource()));
        // SCIM (RFC 7644): the same, as a SCIM error (ProblemWriter writes that shape on /scim paths)
        router.route("/scim/*").order(BEFORE_BODY_LIMIT).handler(TimeoutHandler.create(requestTimeoutMillis, 503));
        router.route("/scim/*").order(AFTER_REST).handler(ctx -> problems.write(ctx, Problems.noSuchResource()));
        router.route().order(Integer.MIN_VALUE).failureHandler(this::failure);
    }

    private void limitBody(RoutingContext ctx) {
        // refused before any route matched: any made-up path lands here, so its metrics name none (see MetricPaths)
        if (declaredWithin(ctx, problems, maxBodyBytes, MetricPaths.UNROUTED)) {
            ctx.next();
        }
    }

    /**
     * Whether the request's declared body (if it declares one) fits in {@code max} bytes; false once the answer is
     * written: 400 for a Content-Length that is no number, 413 for a larger one, and the connection is closed rather
     * than read to the end.
     */
    static boolean declaredWithin(RoutingContext ctx, ProblemWriter problems, long max) {
        return declaredWithin(ctx, problems, max, null);
    }

    /** {@link #declaredWithin(RoutingContext, ProblemWriter, long)}; a refusal's metrics are tagged {@code metricsTemplate} unless a route named one. */
    private static boolean declaredWithin(
            RoutingContext ctx, ProblemWriter problems, long max, String metricsTemplate) {
        String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length == null) {
            return true;
        }
        long declared;
        try {
            declared = Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            declared = -1;
        }
        if (declared >= 0 && declared <= max) {
            return true;
        }
        ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
        if (metricsTemplate != null) {
            MetricPaths.templateIfNone(ctx, metricsTemplate);
        }
        problems.write(
                ctx,
                declared < 0
                        ? Problems.badRequest("Content-Length is not a number")
                        : Problems.payloadTooLarge("The request body is larger than " + max + " bytes"));
        return false;
    }

    private void failure(RoutingContext ctx) {
        int status = ctx.statusCode();
        if (ctx.response().headWritten()) {
            ctx.next();
            return;
        }
        Problem problem = switch (status) {
            case 400, 413, 431 -> Problems.forStatus(status, null);
            case 503 -> Problems.timedOut(); // the request timeout's
            default -> null;
        };
        if (problem == null) {
            ctx.next();
            return;
        }
        MetricPaths.templateIfNone(ctx, MetricPaths.UNROUTED);
        problems.write(ctx, problem);
    }
}
