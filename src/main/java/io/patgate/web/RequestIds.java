package io.patgate.web;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jboss.logging.MDC;

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
        assignOnly(ctx);
        ctx.next();
    }

    /**
     * Gives this request its id, for routes that run before this class's handler ({@link HotRoutes}'s hot paths,
     * ordered ahead of the framework's own handlers).
     */
    public static void assignOnly(RoutingContext ctx) {
        String offered = ctx.request().getHeader(HEADER);
        String id = offered != null && PLAUSIBLE.matcher(offered).matches() ? offered : fresh();
        ctx.put(MDC_KEY, id);
        MDC.put(MDC_KEY, id);
        ctx.response().putHeader(HEADER, id);
    }

    /**
     * A random version-4 UUID from the thread's own generator: an id must be unique, not unpredictable, so it need
     * not take {@link UUID#randomUUID()}'s shared {@code SecureRandom} on every request.
     */
    static String fresh() {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L;
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }

    /** The id of the request being served on this context, or null outside one. */
    public static String current() {
        Object id = MDC.get(MDC_KEY);
        return id == null ? null : id.toString();
    }
}
