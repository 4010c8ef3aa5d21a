package io.patgate.notice;

import io.patgate.config.PatgateConfig;
import io.patgate.store.NoticeStore;
import io.patgate.store.WebhookSecrets;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.http.HttpClient;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * Sends what is due, on every replica, off the request path: each round takes a few due deliveries (no other
 * replica can take the same ones: {@link NoticeStore#take}), sends them, and records each outcome. A webhook
 * delivery is a JSON {@code POST} to the address the {@link TargetGuard} just checked, with no redirects followed and a
 * timeout of seconds, signed anew at each attempt over its time and body (so a receiver can refuse a replay, and a
 * retry a day later is still fresh), with each of the hook's live secrets; an email goes through {@link NoticeMail}.
 * A failure is retried with exponential backoff for {@code patgate.webhooks.retry-for}.
 */
@ApplicationScoped
public class Deliverer {

    private static final Logger LOG = Logger.getLogger(Deliverer.class);
    private static final int BATCH = 20;
    private static final int MAX_ERROR = 300;

    private final NoticeStore store;
    private final TargetGuard guard;
    private final WebhookSecrets secrets;
    private final NoticeMail mail;
    private final HttpClient http;
    private final PatgateConfig.Webhooks config;
    private final Vertx vertx;

    public Deliverer(NoticeStore store, TargetGuard guard, WebhookSecrets secrets, NoticeMail mail, Vertx vertx, PatgateConfig config) {
        this.store = store;
        this.guard = guard;
        this.secrets = secrets;
        this.mail = mail;
        this.vertx = vertx;
        this.config = config.webhooks();
        int timeout = (int) this.config.timeout().toMillis();
        // one connection per delivery (no pool to a pinned address outliving its check), nothing followed
        this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(timeout).setKeepAlive(false)
                .setMaxRedirects(0).setTryUseCompression(false).setMaxInitialLineLength(4096).setMaxHeaderSize(16 * 1024));
    }

    @Scheduled(every = "${patgate.webhooks.poll-interval}", delayed = "2s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return deliverDue().onFailure().invoke(e -> LOG.warnf("Could not take due deliveries: %s", e.toString()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** One round: sends what is due now; the number of deliveries attempted. */
    public Uni<Integer> deliverDue() {
        // held past the longest a send can take (see deliver), so no replica takes it again while this one is still sending
        Duration hold = config.timeout().multipliedBy(2).plusSeconds(30);
        return store.take(Instant.now(), hold, BATCH)
                .chain(due -> due.isEmpty() ? Uni.createFrom().item(0)
                        : Multi.createFrom().iterable(due).onItem().transformToUniAndMerge(this::deliver).collect().asList().map(List::size));
    }

    private Uni<Void> deliver(NoticeStore.Due due) {
        long started = System.nanoTime();
        Uni<Outcome> attempt;
        if (due.webhookId() == null) {
            attempt = mail.send(due.recipient(), due.event(), due.body()).map(x -> Outcome.ok(null));
        } else if (!due.hookActive()) {
            return store.attempted(due.id(), due.attempt(), false, null, 0, "the webhook is inactive", Instant.now(), null);
        } else {
            attempt = post(due);
        }
        // everything an attempt does (DNS, opening the secret, the exchange, SMTP) ends well inside the hold
        Duration limit = config.timeout().multipliedBy(2).plusSeconds(15);
        return attempt.ifNoItem().after(limit).failWith(() -> new java.util.concurrent.TimeoutException("no outcome within " + limit.toSeconds() + " s"))
                .onFailure().recoverWithItem(Outcome::failed)
                .chain(outcome -> {
                    int millis = (int) Math.min(Integer.MAX_VALUE, (System.nanoTime() - started) / 1_000_000);
                    Instant now = Instant.now();
                    Instant retryAt = outcome.ok() ? null : retryAt(due, now);
                    if (!outcome.ok()) {
                        LOG.infof("Delivery %s of notice %s (attempt %d) failed: %s%s", due.id(), due.noticeId(), due.attempt(), outcome.error(),
                                retryAt == null ? "; given up" : "; retrying at " + retryAt);
                    }
                    return store.attempted(due.id(), due.attempt(), outcome.ok(), outcome.status(), millis, outcome.error(), now, retryAt);
                })
                .onFailure().invoke(e -> LOG.warnf("Could not record the outcome of delivery %s: %s", due.id(), e.toString()))
                .onFailure().recoverWithNull();
    }

    /** When to try again after attempt {@code due.attempt()}; null once the retry window is over. */
    Instant retryAt(NoticeStore.Due due, Instant now) {
        long factor = 1L << Math.min(due.attempt() - 1, 20);
        Duration delay = config.retryDelay().multipliedBy(factor);
        if (delay.compareTo(config.maxRetryDelay()) > 0) {
            delay = config.maxRetryDelay();
        }
        Instant next = now.plus(delay);
        return next.isAfter(due.createdAt().plus(config.retryFor())) ? null : next;
    }

    private record Outcome(boolean ok, Integer status, String error) {
        static Outcome ok(Integer status) {
            return new Outcome(true, status, null);
        }

        static Outcome failed(Throwable e) {
            String message = e instanceof TimeoutException || e instanceof io.smallrye.mutiny.TimeoutException ? "timed out"
                    : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return new Outcome(false, null, message.length() > MAX_ERROR ? message.substring(0, MAX_ERROR) : message);
        }
    }

    private Uni<Outcome> post(NoticeStore.Due due) {
        Duration timeout = config.timeout();
        return guard.check(due.url())
                .chain(target -> secretsOf(due).chain(keys -> {
                    byte[] body = due.body().getBytes(StandardCharsets.UTF_8);
                    // the time of this attempt, signed with the body: a receiver refuses a delivery replayed later
                    long timestamp = Instant.now().getEpochSecond();
                    RequestOptions options = new RequestOptions()
                            .setMethod(HttpMethod.POST)
                            // connect to the address just checked; the URL's host is still the Host header and the TLS name
                            .setServer(SocketAddress.inetSocketAddress(target.port(), target.address().getHostAddress()))
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
                            .ifNoItem().after(timeout).failWith(() -> new TimeoutException("timed out after " + timeout.toMillis() + " ms"));
                }))
                .map(status -> status >= 200 && status < 300 ? Outcome.ok(status)
                        : new Outcome(false, status, status >= 300 && status < 400 ? "answered " + status + " (redirects are not followed)"
                        : "answered " + status));
    }

    /** The hook's secrets that sign now: the current one, then the one it replaced while their overlap lasts. */
    private Uni<List<String>> secretsOf(NoticeStore.Due due) {
        return vertx.executeBlocking(Uni.createFrom().item(() -> due.previousSecretEnc() == null
                ? List.of(secrets.open(due.webhookId(), due.secretEnc()))
                : List.of(secrets.open(due.webhookId(), due.secretEnc()), secrets.open(due.webhookId(), due.previousSecretEnc()))), false);
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
    public static String sign(String secret, long timestamp, byte[] body) {
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
