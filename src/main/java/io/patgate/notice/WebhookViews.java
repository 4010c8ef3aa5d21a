package io.patgate.notice;

import io.patgate.store.Delivery;
import io.patgate.store.Webhook;
import java.time.Instant;
import java.util.List;

/**
 * How a webhook and its deliveries read in the API, for {@link WebhookService}: the hook without its secrets (only
 * until when the replaced one still signs), its circuit breaker as the admin sees it, and each delivery with when it
 * is next tried, which an open breaker holds back. The rows are read, never changed; the one setting it needs is
 * {@code patgate.webhooks.breaker-failures}, to tell a closed breaker from a half-open one.
 */
final class WebhookViews {

    private final int breakerFailures;

    WebhookViews(int breakerFailures) {
        this.breakerFailures = Math.max(1, breakerFailures);
    }

    /** A hook as the API shows it, as of now. */
    WebhookRequests.View of(Webhook hook) {
        Instant now = Instant.now();
        Instant previousUntil = hook.previousSecretUntil != null && hook.previousSecretUntil.isAfter(now)
                ? hook.previousSecretUntil
                : null;
        return new WebhookRequests.View(
                hook.id,
                hook.url,
                List.of(hook.events),
                hook.active,
                hook.createdAt,
                hook.updatedAt,
                previousUntil,
                breaker(hook, now));
    }

    /** The breaker as the admin sees it (see {@link Deliverer}): open until its cool-down ends, then half-open until a success. */
    WebhookRequests.Breaker breaker(Webhook hook, Instant now) {
        if (hook.breakerOpenUntil != null && hook.breakerOpenUntil.isAfter(now)) {
            return new WebhookRequests.Breaker("open", hook.consecutiveFailures, hook.breakerOpenUntil);
        }
        return new WebhookRequests.Breaker(
                hook.consecutiveFailures >= breakerFailures ? "half-open" : "closed", hook.consecutiveFailures, null);
    }

    /** Until when the hook's open breaker holds its deliveries back; null when it is not open at {@code now}. */
    static Instant heldUntil(Webhook hook, Instant now) {
        return hook.breakerOpenUntil != null && hook.breakerOpenUntil.isAfter(now) ? hook.breakerOpenUntil : null;
    }

    /** A delivery; {@code heldUntil} is when the hook's open breaker lets it go (null when it is not open). */
    static WebhookRequests.DeliveryView of(Delivery d, String event, Instant heldUntil) {
        boolean pending = Delivery.PENDING.equals(d.state);
        boolean held = pending && heldUntil != null;
        Instant next = !pending
                ? null
                : held && (d.nextAttemptAt == null || d.nextAttemptAt.isBefore(heldUntil))
                        ? heldUntil
                        : d.nextAttemptAt;
        return new WebhookRequests.DeliveryView(
                d.id,
                d.noticeId,
                event,
                d.state,
                d.attempts,
                d.responseCode,
                d.durationMs,
                d.error,
                d.createdAt,
                d.lastAttemptAt,
                next,
                d.deliveredAt,
                d.redeliveryOf,
                held);
    }
}
