package io.patgate.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.Set;

/**
 * The web UI's routes and the browser-facing security headers.
 * <ul>
 * <li>The UI is one page ({@code META-INF/resources/index.html}) with client-side views; its view paths
 * ({@code /tokens/new?name=...} and the like, which a team's docs may link to) answer that page.</li>
 * <li>Every answer forbids framing and MIME sniffing and sends no referrer; pages and API answers carry a
 * Content-Security-Policy with no inline script or style and no eval, so an injected name or description
 * can never run. Swagger UI and the dev UI under {@code /q/} are left their own (inline) scripts.</li>
 * <li>API answers are {@code Cache-Control: no-store}: they are one person's data and some carry a token
 * value, which must not linger in a cache or the browser's history.</li>
 * </ul>
 * The forward-auth path is left alone: an ingress calls it, never a browser, and it is the hot path.
 */
@ApplicationScoped
public class WebRoutes {

    /** Before the body limit (-3), so even a refused upload carries the headers. */
    private static final int FIRST = -4;

    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; font-src 'self'; manifest-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    /** Client-side views of the UI: reloading or opening a link to one of them answers the page itself. */
    static final Set<String> VIEWS = Set.of("/signin", "/tokens", "/tokens/new", "/profile",
            "/admin/users", "/admin/tokens", "/admin/audit", "/admin/keys");

    void install(@Observes Router router) {
        router.route().order(FIRST).handler(this::headers);
        for (String view : VIEWS) {
            router.route(HttpMethod.GET, view).order(FIRST + 1).handler(ctx -> ctx.reroute("/"));
        }
    }

    private void headers(RoutingContext ctx) {
        String path = ctx.normalizedPath();
        if (path.startsWith("/auth/verify")) {
            ctx.next();
            return;
        }
        var headers = ctx.response().headers();
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Referrer-Policy", "no-referrer");
        headers.set("X-Frame-Options", "DENY");
        if (!path.startsWith("/q/")) {
            headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
            headers.set("Cross-Origin-Opener-Policy", "same-origin");
        }
        if (path.startsWith("/api/")) {
            headers.set(HttpHeaders.CACHE_CONTROL, "no-store");
        } else if (!path.startsWith("/q/") && !path.startsWith("/.well-known/") && !path.startsWith("/oauth/")) {
            // the page and its modules: always revalidated, so an upgrade is picked up at the next load
            ctx.addHeadersEndHandler(v -> ctx.response().headers().set(HttpHeaders.CACHE_CONTROL, "no-cache"));
        }
        ctx.next();
    }
}
