package io.patgate.audit;

import io.patgate.http.ClientAddress;
import io.patgate.identity.Caller;
import io.patgate.store.AuditEvent;
import io.patgate.store.AuditEventRepository;
import io.quarkus.arc.Arc;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * Writes audit events, always inside the transaction of the change they record: no change without its
 * event, no event without its change. The client address is the request's (see {@link ClientAddress}).
 * Never give it a token value or a password.
 */
@ApplicationScoped
public class AuditService {

    public static final String SYSTEM = "system";
    public static final String ANONYMOUS = "anonymous";
    /** One event; the parameters in the order of {@link #record(SqlConnection, String, String, UUID, String, UUID, String)}'s row. */
    public static final String INSERT = "insert into audit_event (id, at, actor, action, user_id, username, token_id, ip, detail)"
            + " values ($1, $2, $3, $4, $5, $6, $7, $8, $9)";

    private final AuditEventRepository events;
    private final ClientAddress clientAddress;
    private final Instance<CurrentVertxRequest> request;

    public AuditService(AuditEventRepository events, ClientAddress clientAddress, Instance<CurrentVertxRequest> request) {
        this.events = events;
        this.clientAddress = clientAddress;
        this.request = request;
    }

    /** Who a caller is, for the log: the username, and the token when it acted through one. */
    public static String actor(Caller caller) {
        return caller.isSession() ? caller.username() : caller.username() + " (token " + caller.credentialId() + ")";
    }

    /** Records an event in the current Panache transaction. */
    public Uni<Void> record(String actor, String action, UUID userId, String username, UUID tokenId, String detail) {
        AuditEvent event = new AuditEvent();
        event.id = UUID.randomUUID();
        event.at = Instant.now().truncatedTo(ChronoUnit.MICROS);
        event.actor = truncate(actor, 128);
        event.action = action;
        event.userId = userId;
        event.username = username;
        event.tokenId = tokenId;
        event.ip = currentAddress();
        event.detail = detail == null ? "" : truncate(detail, 2000);
        return events.persist(event).replaceWithVoid();
    }

    /** Records an event on a connection whose transaction the caller holds (raw SQL paths). */
    public Uni<Void> record(SqlConnection conn, String actor, String action, UUID userId, String username, UUID tokenId, String detail) {
        return conn.preparedQuery(INSERT)
                .execute(Tuple.from(new Object[]{UUID.randomUUID(), OffsetDateTime.now(ZoneOffset.UTC), truncate(actor, 128), action,
                        userId, username, tokenId, currentAddress(), detail == null ? "" : truncate(detail, 2000)}))
                .replaceWithVoid();
    }

    private String currentAddress() {
        if (!Arc.container().requestContext().isActive() || !request.isResolvable()) {
            return null;
        }
        CurrentVertxRequest current = request.get();
        return current.getCurrent() == null ? null : clientAddress.of(current.getCurrent().request());
    }

    private static String truncate(String value, int max) {
        return value.length() <= max ? value : value.substring(0, max);
    }
}
