package io.patgate.notice;

import io.patgate.config.PatgateConfig;
import io.patgate.config.WebhooksConfig;
import io.patgate.store.NoticeStore;
import io.patgate.store.WebhookSecrets;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.http.HttpClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeoutException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * One attempt of one webhook delivery, on the wire, for the {@link Deliverer}: the target checked again by the
 * {@link TargetGuard} (and connected to at the very address it checked, the URL's host still the Host header and the
 * TLS name), the hook's live secrets opened, the body signed anew over this attempt's time with each of them, and a
 * JSON {@code POST} sent with no redirects followed and a timeout of {@code patgate.webhooks.timeout}. Its answer is
 * the receiver's status code; the answer's body is never read. What the status means (delivered, retried, given up)
 * is the {@link Deliverer}'s to decide.
 */
@ApplicationScoped
class WebhookSender {

    private final TargetGuard guard;
    private final WebhookSecrets secrets;
    private final Vertx vertx;
    private final WebhooksConfig config;
    private final HttpClient http;

    WebhookSender(TargetGuard guard, WebhookSecrets secrets, Vertx vertx, PatgateConfig config) {
        this.guard = guard;
        this.secrets = secrets;
        this.vertx = vertx;
        this.config = config.webhooks();
        int timeout = (int) this.config.timeout().toMillis();
        // one connection per delivery (no pool to a pinned address outliving its check), nothing followed
        this.http = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout(timeout)
                .setKeepAlive(false)
                .setMaxRedirects(0)
                .setTryUseCompression(false)
                .setMaxInitialLineLength(4096)
                .setMaxHeaderSize(16 * 1024));
    }

    /** Sends the delivery once: the status code the receiver answered; fails when it could not be sent or timed out. */
    Uni<Integer> post(NoticeStore.Due due) {
        Duration timeout = config.timeout();
        return guard.check(due.url())
                .chain(target -> secretsOf(due).chain(keys -> {
                    byte[] body = due.body().getBytes(StandardCharsets.UTF_8);
                    // the time of this attempt, signed with the body: a receiver refuses a delivery replayed later
                    long timestamp = Instant.now().getEpochSecond();
                    RequestOptions options = new RequestOptions()
                            .setMethod(HttpMethod.POST)
                            // connect to the address just checked; the URL's host is still the Host header and the TLS
                            // name
                            .setServer(SocketAddress.inetSocketAddress(
                                    target.port(), target.address().getHostAddress()))
                            .setHost(target.url().getHost())
                            .setPort(target.port())
                            .setSsl(target.tls())
                            .setURI(target.requestUri())
                            .setFollowRedirects(false)
                            .setIdleTimeout(timeout.toMillis())
                            .putHeader("Content-Type", "application/json")
                            .putHeader("User-Agent", "patgate-webhook/1")
                            .putHeader("X-Patgate-Event", due.event())
                            .putHeader("X-Patgate-Delivery", due.noticeId().toString())
                            .putHeader("X-Patgate-Timestamp", Long.toString(timestamp))
                            .putHeader("X-Patgate-Signature-256", signatures(keys, timestamp, body));
                    return http.request(options)
                            .chain(request -> request.send(Buffer.buffer(body)))
                            .map(response -> {
                                // the status is all that counts: the answer's body is never read, whatever its size
                                response.request().connection().closeAndForget();
                                return response.statusCode();
                            })
                            .ifNoItem()
                            .after(timeout)
                            .failWith(() -> new TimeoutException("timed out after " + timeout.toMillis() + " ms"));
                }));
    }

    /** The hook's secrets that sign now: the current one, then the one it replaced while their overlap lasts. */
    private Uni<List<String>> secretsOf(NoticeStore.Due due) {
        return vertx.executeBlocking(
                Uni.createFrom()
                        .item(() -> due.previousSecretEnc() == null
                                ? List.of(secrets.open(due.webhookId(), due.secretEnc()))
                                : List.of(
                                        secrets.open(due.webhookId(), due.secretEnc()),
                                        secrets.open(due.webhookId(), due.previousSecretEnc()))),
                false);
    }

    /**
     * What {@code X-Patgate-Signature-256} carries: {@code sha256=<hex>} for each secret, newest first, comma-separated
     * (one entry but during a secret's overlap). A receiver accepts the delivery when any entry matches under its secret.
     */
    static String signatures(List<String> secrets, long timestamp, byte[] body) {
        StringBuilder header = new StringBuilder();
        for (String secret : secrets) {
            header.append(header.isEmpty() ? "" : ",").append("sha256=").append(sign(secret, timestamp, body));
        }
        return header.toString();
    }

    /**
     * Hex HMAC-SHA256, keyed with {@code secret}, of {@code timestamp}, a dot and the raw {@code body} (as Stripe signs):
     * one entry of {@code X-Patgate-Signature-256}, after {@code sha256=}. {@code timestamp} is the unix time in seconds
     * that {@code X-Patgate-Timestamp} carries.
     */
    static String sign(String secret, long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }
}
