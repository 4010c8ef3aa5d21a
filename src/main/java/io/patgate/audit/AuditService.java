package io.patgate.audit;

import io.patgate.domain.AuditAction;
import io.patgate.domain.Paged;
import io.patgate.identity.Caller;
import io.patgate.store.AuditEntry;
import io.patgate.store.AuditEventRepository;
import io.patgate.store.Transactions;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * Writes audit events, always inside the transaction of the change they record: no change without its
 * event, no event without its change. The client address is the request's (see {@link CallerAddress}).
 * Never give it a token value or a password.
 */
@ApplicationScoped
public class AuditService {

    public static final String SYSTEM = "system";
    /** The security events' own log category, to route or keep apart: {@code patgate.security}. */
    private static final org.jboss.logging.Logger SECURITY = org.jboss.logging.Logger.getLogger("patgate.security");

    public static final String ANONYMOUS = "anonymous";
    private static final int MAX_ACTOR = 128;
    private static final int MAX_DETAIL = 2000;

    private final AuditEventRepository events;
    private final Transactions transactions;
    private final CallerAddress address;

    public AuditService(AuditEventRepository events, Transactions transactions, CallerAddress address) {
        this.events = events;
        this.transactions = transactions;
        this.address = address;
    }

    /** Who a caller is, for the log: the username, and the token when it acted through one. */
    public static String actor(Caller caller) {
        return caller.isSession() ? caller.username() : caller.username() + " (token " + caller.credentialId() + ")";
    }

    /** Records an event in the current transaction. */
    public Uni<Void> record(
            String actor, AuditAction action, UUID userId, String username, UUID tokenId, String detail) {
        return events.append(entry(actor, action, userId, username, tokenId, detail));
    }

    /** An event as of now, from the current request's client address, for a store method that writes it in its own transaction. */
    public AuditEntry entry(
            String actor, AuditAction action, UUID userId, String username, UUID tokenId, String detail) {
        // one searchable line per security event, with the request id (%X{requestId}); ids, never a token value
        SECURITY.infof(
                "security-event action=%s user=%s token=%s actor=\"%s\" address=%s",
                action.wire(), userId, tokenId, truncate(actor, MAX_ACTOR).replace('"', '\''), address.current());
        return new AuditEntry(
                Instant.now().truncatedTo(ChronoUnit.MICROS),
                truncate(actor, MAX_ACTOR),
                action.wire(),
                userId,
                username,
                tokenId,
                address.current(),
                detail == null ? "" : truncate(detail, MAX_DETAIL));
    }

    /** One page of the log, newest first, with the total that matches {@code filter}. */
    public Uni<Paged<AuditView>> page(AuditEventRepository.Filter filter, int page, int size) {
        return transactions.read(() -> events.count(filter)
                .chain(total -> events.page(filter, page, size)
                        .map(list ->
                                new Paged<>(list.stream().map(AuditView::of).toList(), total))));
    }

    private static String truncate(String value, int max) {
        return value.length() <= max ? value : value.substring(0, max);
    }
}
