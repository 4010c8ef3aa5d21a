package io.patgate.store;

import java.time.Instant;
import java.util.UUID;

/**
 * One event for the append-only audit log, as it will be written. Never a token value or a password.
 *
 * @param actor who acted: a username (with the token it acted through), {@code system} or {@code anonymous}
 * @param ip    the client address of the request that caused it, or null outside a request
 */
public record AuditEntry(
        Instant at, String actor, String action, UUID userId, String username, UUID tokenId, String ip, String detail) {

    static final String INSERT =
            "insert into audit_event (id, at, actor, action, user_id, username, token_id, ip, detail)"
                    + " values ($1, $2, $3, $4, $5, $6, $7, $8, $9)";

    io.vertx.mutiny.sqlclient.Tuple row() {
        return io.vertx.mutiny.sqlclient.Tuple.from(new Object[] {
            UUID.randomUUID(),
            java.time.OffsetDateTime.ofInstant(at, java.time.ZoneOffset.UTC),
            actor,
            action,
            userId,
            username,
            tokenId,
            ip,
            detail
        });
    }

    AuditEvent entity() {
        AuditEvent event = new AuditEvent();
        event.id = UUID.randomUUID();
        event.at = at;
        event.actor = actor;
        event.action = action;
        event.userId = userId;
        event.username = username;
        event.tokenId = tokenId;
        event.ip = ip;
        event.detail = detail;
        return event;
    }
}
