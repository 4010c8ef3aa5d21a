package io.patgate.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.patgate.store.Notice;
import io.patgate.store.NoticeRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Raises notices (what webhooks and owners are told) in the transaction of the change that causes them, beside
 * its audit event: the outbox row exists if and only if the change commits. Sending is {@code io.patgate.notice}'s
 * business, never the request's.
 */
@ApplicationScoped
public class Notices {

    public static final String EXPIRING = "token.expiring";
    public static final String EXPIRED = "token.expired";
    public static final String REVOKED = "token.revoked";
    public static final String NEW_ADDRESS = "token.used-from-new-address";
    public static final String LEAK_REPORTED = "token.leak-reported";
    public static final String RETIRED_UNUSED = "token.retired-unused";

    /** Every event a webhook can take, in the order the docs list them. */
    public static final java.util.List<String> EVENTS = java.util.List.of(EXPIRING, EXPIRED, REVOKED, NEW_ADDRESS, LEAK_REPORTED, RETIRED_UNUSED);

    /** The kinds of notice an owner can choose to be emailed, as stored on the account. */
    public static final java.util.List<String> EMAIL_KINDS = java.util.List.of("expiring", "new-address", "revoked");

    private final NoticeRepository notices;
    private final ObjectMapper json;

    public Notices(NoticeRepository notices, ObjectMapper json) {
        this.notices = notices;
        this.json = json;
    }

    /** A token was revoked: {@code reason} as its {@code revokedReason}, {@code by} who did it. */
    public Uni<Void> revoked(UUID tokenId, UUID userId, String reason, String by) {
        return raise(REVOKED, tokenId, userId, Map.of("reason", reason, "by", by));
    }

    /** Someone holding the token reported it through RFC 7009 (it is revoked, too: see {@link #revoked}). */
    public Uni<Void> leakReported(UUID tokenId, UUID userId) {
        return raise(LEAK_REPORTED, tokenId, userId, Map.of("via", "/oauth/revoke"));
    }

    private Uni<Void> raise(String event, UUID tokenId, UUID userId, Map<String, String> detail) {
        Notice notice = new Notice();
        notice.id = UUID.randomUUID();
        notice.event = event;
        notice.at = Instant.now().truncatedTo(ChronoUnit.MICROS);
        notice.tokenId = tokenId;
        notice.userId = userId;
        notice.detail = json(detail);
        return notices.raise(notice);
    }

    private String json(Map<String, String> fields) {
        try {
            return json.writeValueAsString(new TreeMap<>(fields));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
