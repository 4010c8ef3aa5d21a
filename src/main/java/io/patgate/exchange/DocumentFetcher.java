package io.patgate.exchange;

import io.patgate.config.OidcConfig;
import io.patgate.config.PatgateConfig;
import io.patgate.domain.Refusal;
import io.patgate.notice.TargetGuard;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Reads one JSON document (an issuer's discovery document or key set) from an address that someone typed in, the
 * way the webhooks' deliveries reach theirs: the URL passes the {@link TargetGuard} after DNS (https and a public
 * address unless {@code patgate.oidc.allow-insecure}), the connection goes to the very address that was checked,
 * redirects are not followed (a redirect is a failure, so it cannot lead past the guard), and the whole read, connecting
 * included, ends within {@code patgate.oidc.fetch-timeout}. The answer is refused as soon as it is seen to be larger
 * than {@code patgate.oidc.max-document-bytes}, by its {@code Content-Length} or by what has arrived, and the
 * connection is closed then: a 10 MB answer costs at most the limit in memory. Non-blocking throughout (the Vert.x
 * client on the caller's event loop; DNS on a worker, in the guard).
 */
@ApplicationScoped
public class DocumentFetcher {

    private final TargetGuard guard;
    private final TargetGuard.Policy policy;
    private final HttpClient http;
    private final Duration timeout;
    private final int maxBytes;

    public DocumentFetcher(Vertx vertx, TargetGuard guard, PatgateConfig config) {
        this.guard = guard;
        OidcConfig oidc = config.oidc();
        boolean insecure = oidc.allowInsecure();
        this.policy = new TargetGuard.Policy("issuer", insecure, insecure, "patgate.oidc.allow-insecure");
        this.timeout = oidc.fetchTimeout();
        this.maxBytes = oidc.maxDocumentBytes();
        // one connection per read (no pool to a pinned address outliving its check), nothing followed, nothing inflated
        this.http = vertx.getDelegate()
                .createHttpClient(new HttpClientOptions()
                        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
                        .setKeepAlive(false)
                        .setMaxRedirects(0)
                        .setTryUseCompression(false)
                        .setMaxInitialLineLength(4096)
                        .setMaxHeaderSize(16 * 1024));
    }

    /** The policy issuer URLs are held to, for the trust API to check an issuer when it is saved. */
    public TargetGuard.Policy policy() {
        return policy;
    }

    /** The body of {@code GET url} (status 200, at most the size limit), as text; an {@link IssuerUnavailable} otherwise. */
    public Uni<String> get(String url) {
        // one deadline for all of it, DNS included: when it passes, the read is cancelled and its connection closed
        return Uni.createFrom()
                .deferred(() -> guard.check(url, policy))
                .onFailure(Refusal.class)
                .transform(e -> new IssuerUnavailable(safe(url) + " is refused: " + ((Refusal) e).detail()))
                .chain(target -> Uni.createFrom().<String>emitter(emitter -> send(target, emitter)))
                .ifNoItem()
                .after(timeout)
                .failWith(() -> new IssuerUnavailable(safe(url) + ": no answer within " + timeout.toMillis() + " ms"));
    }

    private void send(TargetGuard.Target target, UniEmitter<? super String> emitter) {
        String url = safe(target.url().toString());
        AtomicBoolean over = new AtomicBoolean();
        AtomicReference<HttpClientRequest> sent = new AtomicReference<>();
        Runnable close = () -> {
            HttpClientRequest request = sent.get();
            if (request != null) {
                request.connection().close();
            }
        };
        java.util.function.Consumer<String> fail = message -> {
            if (over.compareAndSet(false, true)) {
                close.run();
                emitter.fail(new IssuerUnavailable(url + ": " + message));
            }
        };
        emitter.onTermination(() -> {
            if (over.compareAndSet(false, true)) {
                close.run(); // cancelled (the deadline passed, or the caller gave up): nothing more is read
            }
        });
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.GET)
                // connect to the address just checked; the URL's host is still the Host header and the TLS name
                .setServer(SocketAddress.inetSocketAddress(
                        target.port(), target.address().getHostAddress()))
                .setHost(target.url().getHost())
                .setPort(target.port())
                .setSsl(target.tls())
                .setURI(target.requestUri())
                .setFollowRedirects(false)
                .setIdleTimeout(Math.max(1, timeout.toMillis()))
                .putHeader("Accept", "application/json")
                .putHeader("User-Agent", "patgate-oidc/1");
        http.request(options).onComplete(opened -> {
            if (opened.failed()) {
                fail.accept("cannot connect (" + describe(opened.cause()) + ")");
                return;
            }
            HttpClientRequest request = opened.result();
            sent.set(request);
            if (over.get()) {
                request.connection().close(); // cancelled while connecting
                return;
            }
            request.send().onComplete(answered -> {
                if (answered.failed()) {
                    fail.accept("no answer (" + describe(answered.cause()) + ")");
                    return;
                }
                read(answered.result(), emitter, over, fail);
            });
        });
    }

    private void read(
            HttpClientResponse response,
            UniEmitter<? super String> emitter,
            AtomicBoolean over,
            java.util.function.Consumer<String> fail) {
        // set first: a connection closed on a refused answer is then an expected end, not an error Vert.x logs
        response.exceptionHandler(e -> fail.accept("answer broken off (" + describe(e) + ")"));
        int status = response.statusCode();
        if (status != 200) {
            fail.accept("answered " + status + (status >= 300 && status < 400 ? " (redirects are not followed)" : ""));
            return;
        }
        String length = response.getHeader("Content-Length");
        if (length != null) {
            try {
                if (Long.parseLong(length.trim()) > maxBytes) {
                    fail.accept("answer of " + length.trim() + " bytes is larger than " + maxBytes);
                    return;
                }
            } catch (NumberFormatException e) {
                fail.accept("answered an unreadable Content-Length");
                return;
            }
        }
        Buffer body = Buffer.buffer();
        response.handler(chunk -> {
            if (over.get()) {
                return;
            }
            if (body.length() + chunk.length() > maxBytes) {
                fail.accept("answer is larger than " + maxBytes + " bytes");
                return;
            }
            body.appendBuffer(chunk);
        });
        response.endHandler(v -> {
            if (over.compareAndSet(false, true)) {
                emitter.complete(body.toString(StandardCharsets.UTF_8));
            }
        });
    }

    private static String describe(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return safe(message);
    }

    /** For the log: no control characters (no forged log lines), and not too long. */
    static String safe(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), 300));
        for (int i = 0; i < text.length() && out.length() < 300; i++) {
            char c = text.charAt(i);
            out.append(Character.isISOControl(c) ? '?' : c);
        }
        return out.toString();
    }
}
