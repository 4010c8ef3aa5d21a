package io.patgate.notice;

import io.patgate.audit.AuditService;
import io.patgate.audit.NoticeOutbox;
import io.patgate.config.PatgateConfig;
import io.patgate.domain.AuditAction;
import io.patgate.domain.Paged;
import io.patgate.domain.Refusal;
import io.patgate.identity.Caller;
import io.patgate.store.Delivery;
import io.patgate.store.DeliveryRepository;
import io.patgate.store.NoticeRepository;
import io.patgate.store.Transactions;
import io.patgate.store.Webhook;
import io.patgate.store.WebhookRepository;
import io.patgate.store.WebhookSecrets;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Webhooks, as admins manage them: the target checked by the {@link TargetGuard} (after DNS) before it is saved, the
 * secret sealed at rest and never shown again (and, after a change, the one it replaced kept sealed beside it while
 * both sign: {@code patgate.webhooks.secret-overlap}), every change audited (with the target's origin only: a URL's path and
 * query may hold a receiver's own secret). How a hook and its deliveries read in the API is {@link WebhookViews}'s.
 */
@ApplicationScoped
public class WebhookService {

    private static final Logger LOG = Logger.getLogger(WebhookService.class);
    static final int MAX_HOOKS = 100;

    private final WebhookRepository hooks;
    private final DeliveryRepository deliveries;
    private final NoticeRepository notices;
    private final Transactions transactions;
    private final TargetGuard guard;
    private final WebhookSecrets secrets;
    private final AuditService audit;
    private final Vertx vertx;
    private final WebhookViews views;
    private final Duration secretOverlap;

    public WebhookService(
            WebhookRepository hooks,
            DeliveryRepository deliveries,
            NoticeRepository notices,
            Transactions transactions,
            TargetGuard guard,
            WebhookSecrets secrets,
            AuditService audit,
            Vertx vertx,
            PatgateConfig config) {
        this.views = new WebhookViews(config.webhooks().breakerFailures());
        this.hooks = hooks;
        this.deliveries = deliveries;
        this.notices = notices;
        this.transactions = transactions;
        this.guard = guard;
        this.secrets = secrets;
        this.audit = audit;
        this.vertx = vertx;
        this.secretOverlap = config.webhooks().secretOverlap();
    }

    public Uni<WebhookRequests.View> create(Caller caller, WebhookRequests.Create request) {
        List<String> events = events(request.events());
        UUID id = UUID.randomUUID();
        return guard.check(request.url())
                .chain(target -> seal(id, request.secret())
                        .chain(sealedSecret ->
                                transactions.write(() -> hooks.count().chain(count -> {
                                    if (count >= MAX_HOOKS) {
                                        throw Refusal.limitReached(
                                                "At most " + MAX_HOOKS + " webhooks; delete one first");
                                    }
                                    Webhook hook = new Webhook();
                                    hook.id = id;
                                    hook.url = target.url().toString();
                                    hook.secretEnc = sealedSecret;
                                    hook.events = events.toArray(String[]::new);
                                    hook.active = request.active() == null || request.active();
                                    hook.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
                                    hook.updatedAt = hook.createdAt;
                                    return hooks.persist(hook)
                                            .call(h -> audit.record(
                                                    AuditService.actor(caller),
                                                    AuditAction.WEBHOOK_CREATED,
                                                    null,
                                                    null,
                                                    null,
                                                    describe(h)));
                                }))))
                .invoke(h -> LOG.infof("Webhook %s created by %s for %s", h.id, caller.username(), origin(h.url)))
                .map(views::of);
    }

    public Uni<Paged<WebhookRequests.View>> list(int page, int size) {
        return transactions.read(() -> hooks.count()
                .chain(total -> hooks.page(page, size)
                        .map(list -> new Paged<>(list.stream().map(views::of).toList(), total))));
    }

    public Uni<WebhookRequests.View> get(UUID id) {
        return transactions.read(() -> hooks.findById(id)).map(h -> views.of(require(h)));
    }

    public Uni<WebhookRequests.View> update(Caller caller, UUID id, WebhookRequests.Update request) {
        List<String> events = request.events() == null ? null : events(request.events());
        Uni<TargetGuard.Target> target =
                request.url() == null ? Uni.createFrom().nullItem() : guard.check(request.url());
        Uni<byte[]> sealedSecret = request.secret() == null ? Uni.createFrom().nullItem() : seal(id, request.secret());
        return target.chain(t -> sealedSecret.chain(s ->
                        transactions.write(() -> hooks.findForUpdate(id).chain(found -> {
                            Webhook hook = require(found);
                            if (t != null) {
                                hook.url = t.url().toString();
                            }
                            Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
                            boolean drop = Boolean.TRUE.equals(request.dropPreviousSecret());
                            if (s != null) {
                                // the replaced secret keeps signing for the overlap (its sealed bytes as they were:
                                // same hook, same
                                // associated data), so the receiver can change over without refusing a delivery
                                boolean overlap = !drop && !secretOverlap.isNegative() && !secretOverlap.isZero();
                                hook.previousSecretEnc = overlap ? hook.secretEnc : null;
                                hook.previousSecretUntil = overlap ? now.plus(secretOverlap) : null;
                                hook.secretEnc = s;
                            } else if (drop) {
                                hook.previousSecretEnc = null;
                                hook.previousSecretUntil = null;
                            }
                            if (events != null) {
                                hook.events = events.toArray(String[]::new);
                            }
                            if (request.active() != null) {
                                hook.active = request.active();
                            }
                            hook.updatedAt = now;
                            // whatever the admin fixed, the next delivery is tried at once
                            return hooks.closeBreaker(hook)
                                    .chain(() -> audit.record(
                                            AuditService.actor(caller),
                                            AuditAction.WEBHOOK_CHANGED,
                                            null,
                                            null,
                                            null,
                                            describe(hook) + secretChange(s != null, drop, hook.previousSecretUntil)))
                                    .replaceWith(hook);
                        }))))
                .map(views::of);
    }

    public Uni<Void> delete(Caller caller, UUID id) {
        return transactions
                .write(() -> hooks.findForUpdate(id).chain(found -> {
                    Webhook hook = require(found);
                    return hooks.delete(hook)
                            .chain(() -> audit.record(
                                    AuditService.actor(caller),
                                    AuditAction.WEBHOOK_DELETED,
                                    null,
                                    null,
                                    null,
                                    describe(hook)));
                }))
                .invoke(() -> secrets.forget(id));
    }

    /** The hook's deliveries, newest first. */
    public Uni<Paged<WebhookRequests.DeliveryView>> deliveries(UUID id, int page, int size) {
        return transactions.read(() -> hooks.findById(id).chain(found -> {
            require(found);
            Instant heldUntil = WebhookViews.heldUntil(found, Instant.now());
            return deliveries
                    .countOfHook(id)
                    .chain(total -> deliveries
                            .pageOfHook(id, page, size)
                            .chain(list -> eventsOf(list)
                                    .map(events -> new Paged<>(
                                            list.stream()
                                                    .map(d -> WebhookViews.of(d, events.get(d.noticeId), heldUntil))
                                                    .toList(),
                                            total))));
        }));
    }

    /** Sends a delivery's notice to its hook again, as a new delivery (same body, same {@code X-Patgate-Delivery}), due now. */
    public Uni<WebhookRequests.DeliveryView> redeliver(Caller caller, UUID id, UUID deliveryId) {
        return transactions.write(() -> hooks.findById(id).chain(found -> {
            Webhook hook = require(found);
            return deliveries.findOfHook(id, deliveryId).chain(original -> {
                if (original == null) {
                    throw Refusal.notFound("Delivery");
                }
                Delivery again = Delivery.due(
                        original.noticeId,
                        original.priority,
                        hook.id,
                        null,
                        Instant.now().truncatedTo(ChronoUnit.MICROS));
                again.redeliveryOf = original.id;
                return deliveries
                        .persist(again)
                        .call(() -> audit.record(
                                AuditService.actor(caller),
                                AuditAction.WEBHOOK_REDELIVERED,
                                null,
                                null,
                                null,
                                "delivery " + original.id + " of notice " + original.noticeId + " to "
                                        + origin(hook.url)))
                        .chain(d -> notices.findById(d.noticeId)
                                .map(n -> WebhookViews.of(
                                        d, n == null ? null : n.event, WebhookViews.heldUntil(hook, Instant.now()))));
            });
        }));
    }

    private Uni<java.util.Map<UUID, String>> eventsOf(List<Delivery> list) {
        List<UUID> ids = list.stream().map(d -> d.noticeId).distinct().toList();
        if (ids.isEmpty()) {
            return Uni.createFrom().item(java.util.Map.of());
        }
        return notices.list("id in ?1", ids).map(ns -> {
            java.util.Map<UUID, String> byId = new java.util.HashMap<>();
            ns.forEach(n -> byId.put(n.id, n.event));
            return byId;
        });
    }

    private Uni<byte[]> seal(UUID id, String secret) {
        return vertx.executeBlocking(Uni.createFrom().item(() -> secrets.seal(id, secret)));
    }

    private static List<String> events(List<String> requested) {
        for (String event : requested) {
            if (!NoticeOutbox.EVENTS.contains(event)) {
                throw Refusal.invalid("events", "'" + event + "' is not one of " + NoticeOutbox.EVENTS);
            }
        }
        return NoticeOutbox.EVENTS.stream().filter(requested::contains).toList();
    }

    private static Webhook require(Webhook hook) {
        if (hook == null) {
            throw Refusal.notFound("Webhook");
        }
        return hook;
    }

    /** What the audit entry says of the secrets, if they changed. */
    private static String secretChange(boolean newSecret, boolean drop, Instant previousUntil) {
        if (newSecret) {
            return previousUntil != null
                    ? ", new secret (the previous one also signs until " + previousUntil + ")"
                    : ", new secret (the previous one no longer signs)";
        }
        return drop ? ", the previous secret no longer signs" : "";
    }

    private static String describe(Webhook hook) {
        return "webhook " + hook.id + " to " + origin(hook.url) + ", events " + List.of(hook.events)
                + (hook.active ? "" : ", inactive");
    }

    /** scheme://host[:port] of a URL: what the audit log and the log keep of it. */
    static String origin(String url) {
        URI uri = URI.create(url);
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() >= 0 ? ":" + uri.getPort() : "");
    }
}
