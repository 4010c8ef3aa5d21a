package io.patgate.web;

import io.micrometer.core.instrument.Tags;
import io.quarkus.micrometer.runtime.HttpServerMetricsTagsContributor;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.impl.HttpServerRequestInternal;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;

/**
 * The {@code uri} tag of the HTTP server metrics ({@code http_server_requests_seconds}). Micrometer keeps at most
 * {@code quarkus.micrometer.binder.http-server.max-uri-tags} (100) values of it and measures no new one after that, so
 * a path a client makes up must never become a value: the REST layer tags its endpoints by their template
 * ({@code /api/v1/tokens/{id}}) and unknown paths are tagged {@code NOT_FOUND}, but routes below the REST layer that
 * answer any path under a prefix, or refuse a request before any route, name their fixed template here. A request
 * the HTTP codec could not read (a Content-Length that is no number, headers over the limit) or the server refused
 * before routing (a broken percent-encoding) never reaches a route; as a tags contributor, this class gives it the
 * same fixed tag.
 */
@Singleton
public class MetricPaths implements HttpServerMetricsTagsContributor {

    /** The request-context local the REST layer sets and Micrometer's Vert.x binder reads as the path template. */
    static final String TEMPLATE = "UrlPathTemplate";

    /** The tag of a request refused before any route met it (a body over the limit, a Content-Length that is no number). */
    public static final String UNROUTED = "/{unrouted}";

    private static final Tags UNREAD = Tags.of("uri", UNROUTED);

    /**
     * Replaces the {@code uri} tag of a request no route answered: one the codec could not read, or one refused with 400
     * before routing (a path whose percent-encoding is broken). Its path is whatever the client wrote. Every route that
     * answers 400 itself names a template first (the REST layer, {@link ApiRoutes}), so none of theirs is touched.
     */
    @Override
    public Tags contribute(Context context) {
        HttpServerRequest request = context.request();
        if (request == null) {
            return Tags.empty();
        }
        if (request.decoderResult().isFailure()
                || context.response() != null
                        && context.response().statusCode() == 400
                        && context.requestContextLocalData(TEMPLATE) == null) {
            return UNREAD;
        }
        return Tags.empty();
    }

    /** Tags this request's metrics with {@code template} instead of its path. */
    public static void template(RoutingContext ctx, String template) {
        if (ctx.request() instanceof HttpServerRequestInternal request) {
            request.context().putLocal(TEMPLATE, template);
        }
    }

    /** {@link #template} unless a route already named one (the REST layer, when it had matched the path). */
    public static void templateIfNone(RoutingContext ctx, String template) {
        if (ctx.request() instanceof HttpServerRequestInternal request
                && request.context().getLocal(TEMPLATE) == null) {
            request.context().putLocal(TEMPLATE, template);
        }
    }
}
