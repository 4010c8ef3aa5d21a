package io.patgate.web;

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
 * <li>Every answer forbids framing and MIME sniffing and sends no referrer. The page and its files carry a
 * Content-Security-Policy with no inline script or style and no eval, so an injected name or description
 * can never run; data answers (API, OAuth, {@code /.well-known/}) one that allows nothing at all
 * ({@link #DATA_SECURITY_POLICY}). Swagger UI and the dev UI under {@code /q/} are left their own (inline) scripts.</li>
 * <li>API answers are {@code Cache-Control: no-store}: they are one person's data and some carry a token
 * value, which must not linger in a cache or the browser's history.</li>
 * </ul>
 * The forward-auth path is left alone: an ingress calls it, never a browser, and it is the hot path. The
 * views are rerouted to "/", where the headers are set.
 */
@ApplicationScoped
public class WebRoutes {

    /** Before the body limit (-3), so even a refused upload carries the headers. */
    private static final int FIRST = -4;

    static final String CONTENT_SECURITY_POLICY =
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                    + "connect-src 'self'; font-src 'self'; manifest-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    /**
     * The policy of a data answer (the API, OAuth, {@code /.well-known/}): nothing in it may load or run anything, or
     * be framed, as OWASP's REST security cheat sheet advises. Stricter than the page's, and a quarter of its length on
     * answers that are the hot path of introspection.
     */
    static final String DATA_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";

    /** Client-side views of the UI: reloading or opening a link to one of them answers the page itself. */
    static final Set<String> VIEWS = Set.of(
            "/signin",
            "/confirm-email",
            "/tokens",
            "/tokens/new",
            "/profile",
            "/admin/users",
            "/admin/tokens",
            "/admin/audit",
            "/admin/keys",
            "/admin/webhooks",
            "/admin/webhooks/deliveries",
            "/service-accounts",
            "/service-accounts/account",
            "/service-accounts/tokens/new");

    /**
     * Where the headers go: the page, its files, the API and the other browser-reachable paths. Routes by
     * path prefix, so a request to the forward-auth path (the hot path) never even enters the handler.
     */
    static final java.util.List<String> BROWSER_PATHS = java.util.List.of(
            "/",
            "/index.html",
            "/favicon.svg",
            "/ui/*",
            "/api/*",
            "/oauth/*",
            "/.well-known/*",
            "/q/*",
            "/auth/oidc/*");

    void install(@Observes Router router) {
        for (String path : BROWSER_PATHS) {
            router.route(path).order(FIRST).handler(this::headers);
        }
        for (String view : VIEWS) {
            router.route(HttpMethod.GET, view).order(FIRST + 1).handler(ctx -> ctx.reroute("/"));
        }
    }

    // names and values as pre-encoded ASCII: setting them costs no encoding per request
    private static final CharSequence NOSNIFF_NAME = HttpHeaders.createOptimized("X-Content-Type-Options");
    private static final CharSequence NOSNIFF = HttpHeaders.createOptimized("nosniff");
    private static final CharSequence REFERRER_NAME = HttpHeaders.createOptimized("Referrer-Policy");
    private static final CharSequence NO_REFERRER = HttpHeaders.createOptimized("no-referrer");
    private static final CharSequence FRAME_NAME = HttpHeaders.createOptimized("X-Frame-Options");
    private static final CharSequence DENY = HttpHeaders.createOptimized("DENY");
    private static final CharSequence CSP_NAME = HttpHeaders.createOptimized("Content-Security-Policy");
    private static final CharSequence CSP = HttpHeaders.createOptimized(CONTENT_SECURITY_POLICY);
    private static final CharSequence DATA_CSP = HttpHeaders.createOptimized(DATA_SECURITY_POLICY);
    private static final CharSequence COOP_NAME = HttpHeaders.createOptimized("Cross-Origin-Opener-Policy");
    private static final CharSequence SAME_ORIGIN = HttpHeaders.createOptimized("same-origin");
    private static final CharSequence NO_STORE = HttpHeaders.createOptimized("no-store");
    private static final CharSequence NO_CACHE = HttpHeaders.createOptimized("no-cache");

    private void headers(RoutingContext ctx) {
        headersOnly(ctx);
        ctx.next();
    }

    /** The headers of a browser-reachable answer, for routes that run before this class's handler. */
    public static void headersOnly(RoutingContext ctx) {
        String path = ctx.request().path();
        var headers = ctx.response().headers();
        headers.set(NOSNIFF_NAME, NOSNIFF);
        headers.set(REFERRER_NAME, NO_REFERRER);
        headers.set(FRAME_NAME, DENY);
        if (path.startsWith("/q/")) {
            return; // Swagger UI and the dev UI: their own inline scripts
        }
        if (path.startsWith("/api/") || path.startsWith("/auth/oidc/")) {
            // the single sign-on redirects too: never cached (each carries a one-time state or handoff)
            headers.set(CSP_NAME, DATA_CSP);
            headers.set(HttpHeaders.CACHE_CONTROL, NO_STORE);
        } else if (path.startsWith("/oauth/") || path.startsWith("/.well-known/")) {
            headers.set(CSP_NAME, DATA_CSP);
        } else {
            // the page and its modules: a document (so also its opener policy), always revalidated, so an upgrade is
            // picked up at the next load
            headers.set(CSP_NAME, CSP);
            headers.set(COOP_NAME, SAME_ORIGIN);
            ctx.addHeadersEndHandler(v -> ctx.response().headers().set(HttpHeaders.CACHE_CONTROL, NO_CACHE));
        }
    }
}
