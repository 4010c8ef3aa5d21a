package io.patgate.notice;

import io.patgate.config.PatgateConfig;
import io.patgate.config.WebhooksConfig;
import io.patgate.store.NoticeStore;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * Sends what is due, on every replica, off the request path. Each webhook is a lane of its own, and all email one
 * more: each round takes a few due deliveries of every lane that this replica is not still sending on (no other
 * replica can take the same ones: {@link NoticeStore#take}), starts each lane's sending, and does not wait for it. A
 * slow or dead receiver thus holds only its own lane, never the others, and never the next round. Within a lane
 * security notices go first. A webhook delivery is a JSON {@code POST} to the address the {@link TargetGuard} just
 * checked, with no redirects followed and a timeout of seconds, signed anew at each attempt over its time and body (so a
 * receiver can refuse a replay, and a retry a day later is still fresh), with each of the hook's live secrets (the
 * wire is {@link WebhookSender}'s); an email goes through
 * {@link NoticeMail}, only to a confirmed address and within the recipient's daily limit. A failure is retried with
 * exponential backoff for {@code patgate.webhooks.retry-for}; a webhook that failed
 * {@code patgate.webhooks.breaker-failures} times in a row has its breaker opened, and its deliveries wait out the
 * cool-down untried.
 */
@ApplicationScoped
public class Deliverer {

    private static final Logger LOG = Logger.getLogger(Deliverer.class);
    /** Deliveries taken per webhook and per round. */
    static final int PER_HOOK = 20;
    /** Emails taken per round. */
    static final int MAILS = 20;

    private static final int MAX_ERROR = 300;
    /** The lane of email (no webhook has this id). */
    private static final UUID MAIL_LANE = new UUID(0, 0);

    private final NoticeStore store;
    private final NoticeMail mail;
    private final WebhookSender sender;
    private final WebhooksConfig config;
    private final int mailsPerDay;
    /** The lanes this replica is sending on now: webhook ids, and {@link #MAIL_LANE}. */
    private final Set<UUID> busy = ConcurrentHashMap.newKeySet();

    public Deliverer(NoticeStore store, NoticeMail mail, WebhookSender sender, PatgateConfig config) {
        this.store = store;
        this.mail = mail;
        this.sender = sender;
        this.config = config.webhooks();
        this.mailsPerDay = config.notices().mailsPerRecipientPerDay();
    }

    @Scheduled(
            every = "${patgate.webhooks.poll-interval}",
            delayed = "2s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        // the lanes run on by themselves: the round ends once they are started
        return startLanes()
                .onFailure()
                .invoke(e -> LOG.warnf("Could not take due deliveries: %s", e.toString()))
                .onFailure()
                .recoverWithNull()
                .replaceWithVoid();
    }

    /** One round, waiting for the lanes it started: the number of deliveries attempted (for tests and tools). */
    public Uni<Integer> deliverDue() {
        return startLanes()
                .chain(lanes -> lanes.isEmpty()
                        ? Uni.createFrom().item(0)
                        : Uni.join()
                                .all(lanes)
                                .andCollectFailures()
                                .map(sizes -> sizes.stream()
                                        .mapToInt(Integer::intValue)
                                        .sum()));
    }

    /**
     * Takes what is due in every lane not busy here and starts sending each lane's share on its own; a lane stays busy
     * until all its outcomes are recorded. The lanes' completions (each its number of deliveries).
     */
    private Uni<List<Uni<Integer>>> startLanes() {
        // held past the longest a send can take (see deliver), so no replica takes it again while this one is still
        // sending
        Duration hold = config.timeout().multipliedBy(2).plusSeconds(30);
        Set<UUID> skip = Set.copyOf(busy);
        return store.take(Instant.now(), hold, PER_HOOK, MAILS, skip, !skip.contains(MAIL_LANE))
                .map(due -> {
                    Map<UUID, List<NoticeStore.Due>> lanes = new LinkedHashMap<>();
                    for (NoticeStore.Due d : due) {
                        lanes.computeIfAbsent(
                                        d.webhookId() == null ? MAIL_LANE : d.webhookId(),
                                        k -> new java.util.ArrayList<>())
                                .add(d);
                    }
                    List<Uni<Integer>> started = new java.util.ArrayList<>();
                    lanes.forEach((lane, share) -> {
                        busy.add(lane);
                        var done = Multi.createFrom()
                                .iterable(share)
                                .onItem()
                                .transformToUniAndMerge(d -> deliver(d).replaceWith(1))
                                .collect()
                                .asList()
                                .map(List::size)
                                .onTermination()
                                .invoke(() -> busy.remove(lane))
                                .subscribeAsCompletionStage();
                        started.add(Uni.createFrom().completionStage(done));
                    });
                    return started;
                });
    }

    private Uni<Void> deliver(NoticeStore.Due due) {
        long started = System.nanoTime();
        Uni<Outcome> attempt;
        if (due.webhookId() == null) {
            if (!due.recipientConfirmed()) {
                return record(
                        due,
                        started,
                        new Outcome(false, null, "the address is no longer its owner's confirmed one"),
                        null,
                        false);
            }
            attempt = store.countMail(due.recipient())
                    .chain(count -> count.within(mailsPerDay)
                            ? mail.send(due.recipient(), due.event(), due.body())
                                    .map(x -> Outcome.ok(null))
                            : Uni.createFrom()
                                    .item(new Outcome(
                                            false,
                                            null,
                                            "the recipient's daily mail limit (" + mailsPerDay + ") is reached",
                                            true)));
        } else if (!due.hookActive()) {
            return record(due, started, new Outcome(false, null, "the webhook is inactive"), null, false);
        } else {
            attempt = post(due);
        }
        // everything an attempt does (DNS, opening the secret, the exchange, SMTP) ends well inside the hold
        Duration limit = config.timeout().multipliedBy(2).plusSeconds(15);
        return attempt.ifNoItem()
                .after(limit)
                .failWith(() ->
                        new java.util.concurrent.TimeoutException("no outcome within " + limit.toSeconds() + " s"))
                .onFailure()
                .recoverWithItem(Outcome::failed)
                .chain(outcome -> {
                    Instant retryAt = outcome.ok() || outcome.giveUp() ? null : retryAt(due, Instant.now());
                    return record(due, started, outcome, retryAt, due.webhookId() != null);
                });
    }

    /** Records an attempt's outcome (and, for a webhook, moves its breaker); a failure to record is only logged. */
    private Uni<Void> record(NoticeStore.Due due, long started, Outcome outcome, Instant retryAt, boolean breaker) {
        int millis = (int) Math.min(Integer.MAX_VALUE, (System.nanoTime() - started) / 1_000_000);
        if (!outcome.ok()) {
            LOG.infof(
                    "Delivery %s of notice %s (attempt %d) failed: %s%s",
                    due.id(),
                    due.noticeId(),
                    due.attempt(),
                    outcome.error(),
                    retryAt == null ? "; given up" : "; retrying at " + retryAt);
        }
        return store.attempted(
                        due.id(),
                        due.attempt(),
                        outcome.ok(),
                        outcome.status(),
                        millis,
                        outcome.error(),
                        Instant.now(),
                        retryAt,
                        breaker)
                .invoke(failures -> {
                    if (failures == store.breakerFailures()) {
                        LOG.warnf(
                                "Webhook %s failed %d times in a row: its breaker is open, its deliveries wait %s before one is tried again",
                                due.webhookId(), failures, config.breakerCoolDown());
                    }
                })
                .replaceWithVoid()
                .onFailure()
                .invoke(e -> LOG.warnf("Could not record the outcome of delivery %s: %s", due.id(), e.toString()))
                .onFailure()
                .recoverWithNull();
    }

    /** When to try again after attempt {@code due.attempt()}; null once the retry window is over. */
    Instant retryAt(NoticeStore.Due due, Instant now) {
        return retryAt(
                due.attempt(), due.createdAt(), now, config.retryDelay(), config.maxRetryDelay(), config.retryFor());
    }

    /**
     * When to try a delivery made at {@code createdAt} again after its attempt number {@code attempt} (from 1) failed at
     * {@code now}: {@code retryDelay}, doubled after each attempt, at most {@code maxRetryDelay}; null when that falls
     * past {@code retryFor} after the delivery was made (it is given up).
     */
    static Instant retryAt(
            int attempt,
            Instant createdAt,
            Instant now,
            Duration retryDelay,
            Duration maxRetryDelay,
            Duration retryFor) {
        long factor = 1L << Math.min(Math.max(attempt, 1) - 1, 20);
        Duration delay = retryDelay.multipliedBy(factor);
        if (delay.compareTo(maxRetryDelay) > 0) {
            delay = maxRetryDelay;
        }
        Instant next = now.plus(delay);
        return next.isAfter(createdAt.plus(retryFor)) ? null : next;
    }

    /** What an attempt came to; {@code giveUp} when retrying cannot help (a limit was reached). */
    private record Outcome(boolean ok, Integer status, String error, boolean giveUp) {
        Outcome(boolean ok, Integer status, String error) {
            this(ok, status, error, false);
        }

        static Outcome ok(Integer status) {
            return new Outcome(true, status, null);
        }

        static Outcome failed(Throwable e) {
            String message = e instanceof TimeoutException || e instanceof io.smallrye.mutiny.TimeoutException
                    ? "timed out"
                    : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return new Outcome(false, null, message.length() > MAX_ERROR ? message.substring(0, MAX_ERROR) : message);
        }
    }

    /** Sends a webhook delivery once ({@link WebhookSender}) and judges the receiver's answer by its status. */
    private Uni<Outcome> post(NoticeStore.Due due) {
        return sender.post(due)
                .map(status -> status >= 200 && status < 300
                        ? Outcome.ok(status)
                        : new Outcome(
                                false,
                                status,
                                status >= 300 && status < 400
                                        ? "answered " + status + " (redirects are not followed)"
                                        : "answered " + status));
    }
}
