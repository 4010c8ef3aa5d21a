package io.patgate.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;
import jakarta.ws.rs.core.Response;

/**
 * Writes a {@link Problem} as {@code application/problem+json}: as a JAX-RS response for the REST layer,
 * or straight onto a Vert.x response for the routes that run before it. Either way a 401 carries the
 * RFC 6750 challenge and a 429 its {@code Retry-After}.
 */
@Singleton // on the per-request path: no client proxy between the caller and it
public class ProblemWriter {

    /** RFC 6750 section 3: the challenge that goes with every 401. */
    public static final String BEARER_CHALLENGE = "Bearer error=\"invalid_token\"";

    private final ObjectMapper json;

    public ProblemWriter(ObjectMapper json) {
        this.json = json;
    }

    public static Response response(Problem problem) {
        return response(problem, 0);
    }

    /** @param retryAfterSeconds a {@code Retry-After} header's value; 0 for none */
    public static Response response(Problem problem, long retryAfterSeconds) {
        Response.ResponseBuilder builder = Response.status(problem.status())
                .type(Problem.MEDIA_TYPE)
                .entity(problem.forRequest(RequestIds.current()));
        if (problem.status() == 401) {
            builder.header(jakarta.ws.rs.core.HttpHeaders.WWW_AUTHENTICATE, BEARER_CHALLENGE);
        }
        if (retryAfterSeconds > 0) {
            builder.header("Retry-After", retryAfterSeconds);
        }
        return builder.build();
    }

    /** Ends {@code ctx}'s response with a refusal's problem, and its {@code Retry-After} if it has one. */
    public void write(RoutingContext ctx, io.patgate.domain.Refusal refusal) {
        if (refusal.retryAfterSeconds() > 0) {
            ctx.response().putHeader("Retry-After", Long.toString(refusal.retryAfterSeconds()));
        }
        write(ctx, Problems.of(refusal));
    }

    /** Ends {@code ctx}'s response with {@code problem}. */
    public void write(RoutingContext ctx, Problem problem) {
        if (problem.status() == 401) {
            ctx.response().putHeader("WWW-Authenticate", BEARER_CHALLENGE);
        }
        Object id = ctx.get(RequestIds.MDC_KEY);
        problem = problem.forRequest(id == null ? null : id.toString());
        boolean scim = ScimError.appliesTo(ctx.normalizedPath());
        String body;
        try {
            // SCIM clients read only SCIM's error shape (RFC 7644 section 3.12)
            body = json.writeValueAsString(scim ? ScimError.of(problem) : problem);
        } catch (JsonProcessingException e) {
            body = "{\"title\":\"" + problem.title() + "\",\"status\":" + problem.status() + "}";
        }
        ctx.response()
                .setStatusCode(problem.status())
                .putHeader(HttpHeaders.CONTENT_TYPE, scim ? ScimError.MEDIA_TYPE : Problem.MEDIA_TYPE)
                .end(body);
    }
}
