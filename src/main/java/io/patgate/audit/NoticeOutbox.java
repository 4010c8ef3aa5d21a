package io.patgate.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.patgate.config.PatgateConfig;
import io.patgate.domain.AuditAction;
import io.patgate.domain.EmailNotice;
import io.patgate.domain.NoticeEvent;
import io.patgate.domain.RevokeReason;
import io.patgate.store.Notice;
import io.patgate.store.NoticeRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Raises notices (what webhooks and owners are told) in the transaction of the change that causes them, beside
 * its audit event: the outbox row exists if and only if the change commits. Sending is {@code io.patgate.notice}'s
 * business, never the request's.
 *
 * <p>Security notices (a leak report; a revocation by an admin, after a leak report, or with the owner's account) are
 * raised with {@link Notice#SECURITY} priority, so they are sent before whatever routine notices are queued. Routine
 * ones an account causes itself (revoking its own tokens) are capped at {@code patgate.notices.routine-per-user-per-hour}:
 * beyond it they are dropped, and the first one dropped in a window leaves an audit event {@code notice.limited}. A
 * create-and-revoke loop thus cannot flood the outbox, the webhooks and the queue in front of the notices that matter.
 */
@ApplicationScoped
public class NoticeOutbox {

    public static final String EXPIRING = NoticeEvent.Names.EXPIRING;
    public static final String EXPIRED = NoticeEvent.Names.EXPIRED;
    public static final String REVOKED = NoticeEvent.Names.REVOKED;
    public static final String NEW_ADDRESS = NoticeEvent.Names.NEW_ADDRESS;
    public static final String LEAK_REPORTED = NoticeEvent.Names.LEAK_REPORTED;
    public static final String RETIRED_UNUSED = NoticeEvent.Names.RETIRED_UNUSED;

    /** Every event a webhook can take, in the order the docs list them. */
    public static final java.util.List<String> EVENTS =
            java.util.Arrays.stream(NoticeEvent.values()).map(NoticeEvent::wire).toList();

    /** The kinds of notice an owner can choose to be emailed, as stored on the account. */
    public static final java.util.List<String> EMAIL_KINDS =
            java.util.Arrays.stream(EmailNotice.values()).map(EmailNotice::wire).toList();

    /** The window of the routine-notice limit. */
    public static final java.time.Duration ROUTINE_WINDOW = java.time.Duration.ofHours(1);

    private static final Logger LOG = Logger.getLogger(NoticeOutbox.class);

    private final NoticeRepository notices;
    private final AuditService audit;
    private final ObjectMapper json;
    private final int routineLimit;

    public NoticeOutbox(NoticeRepository notices, AuditService audit, ObjectMapper json, PatgateConfig config) {
        this.notices = notices;
        this.audit = audit;
        this.json = json;
        this.routineLimit = config.notices().routinePerUserPerHour();
    }

    /**
     * A token was revoked: {@code reason} as its {@code revokedReason}, {@code by} who did it. A revocation by the owner
     * is routine (and limited); any other is a security notice.
     */
    public Uni<Void> revoked(UUID tokenId, UUID userId, RevokeReason reason, String by) {
        Notice notice = notice(
                REVOKED,
                tokenId,
                userId,
                Map.of("reason", reason.wire(), "by", by),
                reason.security() ? Notice.SECURITY : Notice.ROUTINE);
        return reason == RevokeReason.OWNER ? routine(notice, by) : notices.raise(notice);
    }

    /** Someone holding the token reported it through RFC 7009 (it is revoked, too: see {@link #revoked}). */
    public Uni<Void> leakReported(UUID tokenId, UUID userId) {
        return notices.raise(notice(LEAK_REPORTED, tokenId, userId, Map.of("via", "/oauth/revoke"), Notice.SECURITY));
    }

    /** Raises {@code notice} if its account is within the routine limit for its event; else drops it (see the class comment). */
    private Uni<Void> routine(Notice notice, String username) {
        return notices.countRoutine(notice.userId, notice.event, ROUTINE_WINDOW).chain(count -> {
            if (count.within(routineLimit)) {
                return notices.raise(notice);
            }
            if (count.used() == routineLimit + 1) {
                LOG.warnf(
                        "Account %s raised more than %d %s notices within an hour; further ones are dropped for %d s",
                        notice.userId, routineLimit, notice.event, count.resetsIn());
                return audit.record(
                        AuditService.SYSTEM,
                        AuditAction.NOTICE_LIMITED,
                        notice.userId,
                        username,
                        notice.tokenId,
                        "more than " + routineLimit + " " + notice.event
                                + " notices within an hour: further ones are not raised for " + count.resetsIn()
                                + " s");
            }
            return Uni.createFrom().voidItem();
        });
    }

    private Notice notice(String event, UUID tokenId, UUID userId, Map<String, String> detail, short priority) {
        Notice notice = new Notice();
        notice.id = UUID.randomUUID();
        notice.event = event;
        notice.at = Instant.now().truncatedTo(ChronoUnit.MICROS);
        notice.tokenId = tokenId;
        notice.userId = userId;
        notice.detail = json(detail);
        notice.priority = priority;
        return notice;
    }

    private String json(Map<String, String> fields) {
        try {
            return json.writeValueAsString(new TreeMap<>(fields));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
