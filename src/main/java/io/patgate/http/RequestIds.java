package io.patgate.http;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.MDC;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Gives every request an id, first thing: the caller's {@code X-Request-Id} when it is a plausible one (so a
 * gateway's id carries through), else a fresh UUID. It goes back in the {@code X-Request-Id} answer header,
 * into every problem body ({@code requestId}), and into every log line written for the request
 * ({@code %X{requestId}}), so a user's error report leads an operator to the log lines.
 */
@ApplicationScoped
public class RequestIds {

    public static final String HEADER = "X-Request-Id";
    public static final String MDC_KEY = "requestId";
    /** Before everything else, the web page's headers (-4) and the body-size guard (-3) included. */
    private static final int ORDER = -10;
    /** Short, and nothing that could break a log line or a header: a hostile id is replaced, not echoed. */
    private static final Pattern PLAUSIBLE = Pattern.compile("[A-Za-z0-9._:-]{8,64}");

    void install(@Observes Router router) {
        router.route().order(ORDER).handler(this::assign);
    }

    private void assign(RoutingContext ctx) {
        String offered = ctx.request().getHeader(HEADER);
        String id = offered != null && PLAUSIBLE.matcher(offered).matches() ? offered : UUID.randomUUID().toString();
        ctx.put(MDC_KEY, id);
        MDC.put(MDC_KEY, id);
        ctx.response().putHeader(HEADER, id);
        ctx.next();
    }

    /** The id of the request being served on this context, or null outside one. */
    public static String current() {
        Object id = MDC.get(MDC_KEY);
        return id == null ? null : id.toString();
    }
}
