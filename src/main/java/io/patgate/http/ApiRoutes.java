package io.patgate.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.TimeoutHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

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

    private final ObjectMapper json;
    private final long maxBodyBytes;
    private final long requestTimeoutMillis;

    public ApiRoutes(ObjectMapper json, io.patgate.config.PatgateConfig config,
                     @ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "10M") MemorySize maxBody) {
        this.json = json;
        this.maxBodyBytes = maxBody.asLongValue();
        this.requestTimeoutMillis = config.http().requestTimeout().toMillis();
    }

    void install(@Observes Router router) {
        router.route().order(BEFORE_BODY_LIMIT).handler(this::limitBody);
        // a database that hangs rather than refuses must not hold API requests for the connect timeout
        router.route("/api/*").order(BEFORE_BODY_LIMIT).handler(TimeoutHandler.create(requestTimeoutMillis, 503));
        router.route("/api/*").order(AFTER_REST).handler(ctx ->
                write(ctx, Problem.of(404, "not-found", "Not found", "No such resource")));
        router.route().order(Integer.MIN_VALUE).failureHandler(this::failure);
    }

    private void limitBody(RoutingContext ctx) {
        String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null) {
            long declared;
            try {
                declared = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                declared = -1;
            }
            if (declared < 0 || declared > maxBodyBytes) {
                ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
                write(ctx, declared < 0
                        ? Problem.of(400, "bad-request", "Bad request", "Content-Length is not a number")
                        : Problem.of(413, "payload-too-large", "Payload too large",
                        "The request body is larger than " + maxBodyBytes + " bytes"));
                return;
            }
        }
        ctx.next();
    }

    private void failure(RoutingContext ctx) {
        int status = ctx.statusCode();
        if (ctx.response().headWritten()) {
            ctx.next();
            return;
        }
        Problem problem = switch (status) {
            case 413 -> Problem.of(413, "payload-too-large", "Payload too large", "The request body is too large");
            case 400 -> Problem.of(400, "bad-request", "Bad request", "The request could not be read");
            case 431 -> Problem.of(431, "headers-too-large", "Request header fields too large", "The request headers are too large");
            case 503 -> Problem.of(503, "timeout", "Service unavailable", "The request took too long (is the database reachable?); try again shortly");
            default -> null;
        };
        if (problem == null) {
            ctx.next();
            return;
        }
        write(ctx, problem);
    }

    /** Answers {@code problem} as {@code application/problem+json}, with the Bearer challenge on a 401. */
    public void write(RoutingContext ctx, Problem problem) {
        if (problem.status() == 401) {
            ctx.response().putHeader("WWW-Authenticate", ProblemMapper.BEARER_CHALLENGE);
        }
        String body;
        try {
            body = json.writeValueAsString(problem);
        } catch (JsonProcessingException e) {
            body = "{\"title\":\"" + problem.title() + "\",\"status\":" + problem.status() + "}";
        }
        ctx.response().setStatusCode(problem.status())
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .end(body);
    }
}
