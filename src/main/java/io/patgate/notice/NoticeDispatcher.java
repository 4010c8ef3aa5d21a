package io.patgate.notice;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.patgate.store.AccessToken;
import io.patgate.store.AccessTokenRepository;
import io.patgate.store.Delivery;
import io.patgate.store.DeliveryRepository;
import io.patgate.store.EmailConfirmation;
import io.patgate.store.EmailConfirmationRepository;
import io.patgate.store.Notice;
import io.patgate.store.NoticeRepository;
import io.patgate.store.ServiceAccountManagerRepository;
import io.patgate.store.Transactions;
import io.patgate.store.User;
import io.patgate.store.UserRepository;
import io.patgate.store.Webhook;
import io.patgate.store.WebhookRepository;
import io.patgate.token.TokenRequests;
import io.patgate.token.TokenViews;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Turns new notices into deliveries, once: under a transaction-scoped advisory lock (one replica at a time), each
 * notice gets its body (written once, so every attempt and redelivery sends the same bytes and signature), one
 * delivery per active webhook that takes its event, and an email delivery when the owner wants one and has confirmed
 * their address; it is then marked dispatched, all in one transaction. Security notices are fanned out first, and
 * their deliveries keep their priority.
 */
@ApplicationScoped
public class NoticeDispatcher {

    private static final Logger LOG = Logger.getLogger(NoticeDispatcher.class);
    private static final int BATCH = 100;

    /** What a receiver gets: the notice, the token as the API shows it (never its value) and its owner. */
    @RegisterForReflection(targets = {TokenRequests.View.class, TokenRequests.RecentIp.class, Owner.class})
    public record Body(
            UUID id,
            String event,
            Instant at,
            TokenRequests.View token,
            Owner user,
            @JsonRawValue String detail) {}

    /** The token's owner; {@code serviceAccount} is there (true) only for a service account's token. */
    public record Owner(
            UUID id,
            String username,
            @JsonInclude(JsonInclude.Include.NON_NULL) Boolean serviceAccount) {}

    private final Transactions transactions;
    private final NoticeRepository notices;
    private final WebhookRepository webhooks;
    private final DeliveryRepository deliveries;
    private final AccessTokenRepository tokens;
    private final UserRepository users;
    private final TokenViews views;
    private final NoticeMail mail;
    private final ObjectMapper json;
    private final EmailConfirmationRepository confirmations;
    private final ServiceAccountManagerRepository managers;

    public NoticeDispatcher(
            Transactions transactions,
            NoticeRepository notices,
            WebhookRepository webhooks,
            DeliveryRepository deliveries,
            AccessTokenRepository tokens,
            UserRepository users,
            TokenViews views,
            NoticeMail mail,
            ObjectMapper json,
            EmailConfirmationRepository confirmations,
            ServiceAccountManagerRepository managers) {
        this.confirmations = confirmations;
        this.managers = managers;
        this.transactions = transactions;
        this.notices = notices;
        this.webhooks = webhooks;
        this.deliveries = deliveries;
        this.tokens = tokens;
        this.users = users;
        this.views = views;
        this.mail = mail;
        this.json = json;
    }

    @Scheduled(
            every = "${patgate.webhooks.poll-interval}",
            delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return dispatch()
                .onFailure()
                .invoke(e -> LOG.warnf("Could not fan out notices: %s", e.toString()))
                .onFailure()
                .recoverWithNull()
                .replaceWithVoid();
    }

    /** One round; the number of notices fanned out (0 also when another replica holds the fan-out). */
    public Uni<Integer> dispatch() {
        return transactions.write(() -> notices.takeFanOut()
                .chain(taken -> !taken
                        ? Uni.createFrom().item(0)
                        : notices.undispatched(BATCH)
                                .chain(batch ->
                                        batch.isEmpty() ? Uni.createFrom().item(0) : fanOut(batch))));
    }

    private Uni<Integer> fanOut(List<Notice> batch) {
        List<UUID> tokenIds = batch.stream().map(n -> n.tokenId).distinct().toList();
        List<UUID> userIds = batch.stream().map(n -> n.userId).distinct().toList();
        return webhooks.active()
                .chain(hooks -> tokens.byIds(tokenIds)
                        .chain(ts -> users.byIds(userIds)
                                .chain(us -> managers.peopleManaging(us.stream()
                                                .filter(User::isService)
                                                .map(u -> u.id)
                                                .toList())
                                        .chain(managed -> {
                                            List<UUID> recipients = new ArrayList<>(userIds);
                                            managed.values()
                                                    .forEach(people ->
                                                            people.forEach(person -> recipients.add(person.id)));
                                            return confirmations
                                                    .byUsers(recipients.stream()
                                                            .distinct()
                                                            .toList())
                                                    .map(cs -> {
                                                        Map<UUID, AccessToken> tokenById = ts.stream()
                                                                .collect(Collectors.toMap(
                                                                        t -> t.id, Function.identity()));
                                                        Map<UUID, User> userById = us.stream()
                                                                .collect(Collectors.toMap(
                                                                        u -> u.id, Function.identity()));
                                                        Map<UUID, EmailConfirmation> confirmationOf = cs.stream()
                                                                .collect(Collectors.toMap(
                                                                        c -> c.userId, Function.identity()));
                                                        Instant now =
                                                                Instant.now().truncatedTo(ChronoUnit.MICROS);
                                                        List<Delivery> created = new ArrayList<>();
                                                        for (Notice notice : batch) {
                                                            notice.dispatchedAt = now;
                                                            AccessToken token = tokenById.get(notice.tokenId);
                                                            User owner = userById.get(notice.userId);
                                                            if (token == null || owner == null) {
                                                                continue; // nothing left to tell about
                                                            }
                                                            notice.body = body(notice, token, owner, now);
                                                            for (Webhook hook : hooks) {
                                                                if (Arrays.asList(hook.events)
                                                                        .contains(notice.event)) {
                                                                    created.add(Delivery.due(
                                                                            notice.id,
                                                                            notice.priority,
                                                                            hook.id,
                                                                            null,
                                                                            now));
                                                                }
                                                            }
                                                            if (!mail.enabled() || owner.deletedAt != null) {
                                                                continue;
                                                            }
                                                            // a person is told about their own tokens; a service
                                                            // account's managers about its tokens, each by their own
                                                            // choices, and only at an address its owner proved to read:
                                                            // never at one someone else merely typed in
                                                            for (User recipient : owner.isService()
                                                                    ? managed.getOrDefault(owner.id, List.of())
                                                                    : List.of(owner)) {
                                                                EmailConfirmation confirmation =
                                                                        confirmationOf.get(recipient.id);
                                                                if (recipient.email != null
                                                                        && confirmation != null
                                                                        && confirmation.confirms(recipient.email)
                                                                        && mail.wanted(
                                                                                notice.event,
                                                                                detail(notice),
                                                                                recipient.username,
                                                                                Set.of(recipient.emailNotices))) {
                                                                    created.add(Delivery.due(
                                                                            notice.id,
                                                                            notice.priority,
                                                                            null,
                                                                            recipient.email,
                                                                            now));
                                                                }
                                                            }
                                                        }
                                                        LOG.debugf(
                                                                "Fanned out %d notices into %d deliveries",
                                                                batch.size(), created.size());
                                                        return created;
                                                    });
                                        }))
                                .chain(created -> (created.isEmpty()
                                                ? Uni.createFrom().voidItem()
                                                : deliveries.persist(created))
                                        .replaceWith(batch.size()))));
    }

    private String body(Notice notice, AccessToken token, User owner, Instant now) {
        TokenRequests.View view = views.of(token, owner.username, now);
        try {
            return json.writeValueAsString(new Body(
                    notice.id,
                    notice.event,
                    notice.at,
                    view,
                    new Owner(owner.id, owner.username, owner.isService() ? Boolean.TRUE : null),
                    notice.detail));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Could not write notice " + notice.id, e);
        }
    }

    private JsonNode detail(Notice notice) {
        try {
            return json.readTree(notice.detail);
        } catch (JsonProcessingException e) {
            return json.createObjectNode();
        }
    }
}
