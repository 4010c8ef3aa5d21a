package io.patgate.store;

import io.patgate.config.PatgateConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The notices' delivery queue and upkeep, in plain SQL: the deliveries' claim and outcome ({@code FOR UPDATE SKIP
 * LOCKED}: two replicas never take the same delivery), each webhook's circuit breaker, and pruning. The time-based scan
 * is {@link NoticeScanStore}'s, the networks tokens are used from {@link NetworkSightings}'.
 */
@ApplicationScoped
public class NoticeStore {

    private final Pool pool;
    private final int breakerFailures;
    private final Duration breakerCoolDown;

    public NoticeStore(Pool pool, PatgateConfig config) {
        this.pool = pool;
        this.breakerFailures = Math.max(1, config.webhooks().breakerFailures());
        this.breakerCoolDown = config.webhooks().breakerCoolDown();
    }

    /**
     * A delivery taken by this replica: what to send where. {@code url} is null for an email, and {@code recipientConfirmed}
     * says whether its recipient is still its owner's confirmed address (always true for a webhook). {@code previousSecretEnc}
     * is the secret the hook's current one replaced while it still signs (its overlap not over when taken), else null.
     */
    public record Due(
            UUID id,
            UUID noticeId,
            String event,
            String body,
            UUID webhookId,
            String url,
            byte[] secretEnc,
            byte[] previousSecretEnc,
            boolean hookActive,
            String recipient,
            boolean recipientConfirmed,
            int attempt,
            Instant createdAt,
            short priority) {}

    /**
     * Takes due deliveries for this replica, lane by lane: up to {@code perHook} of each webhook's (one only for a
     * webhook whose breaker has just cooled down: the probe; none while it is open), and up to {@code mail} emails
     * (none when {@code takeMail} is false). Within a lane, higher priorities first, then the longest due. Each is
     * pushed {@code hold} into the future, so no other replica takes it while this one sends, and comes back by itself
     * if this one dies mid-send. Webhooks in {@code skipHooks} (still being sent to by this replica) are left alone.
     */
    public Uni<List<Due>> take(
            Instant now, Duration hold, int perHook, int mail, Set<UUID> skipHooks, boolean takeMail) {
        OffsetDateTime at = OffsetDateTime.ofInstant(now, ZoneOffset.UTC);
        return pool.withTransaction(conn -> conn.preparedQuery(
                                "with hooks as (select w.id,"
                                        + " case when w.consecutive_failures >= $5 then 1 else $3 end as lim from webhook w"
                                        + " where not (w.id = any($6::uuid[])) and (w.breaker_open_until is null or w.breaker_open_until <= $1)),"
                                        + " hook_due as (select x.id from hooks h cross join lateral (select d.id from delivery d where d.webhook_id = h.id"
                                        + " and d.state = 'pending' and d.next_attempt_at <= $1 order by d.priority desc, d.next_attempt_at limit h.lim"
                                        + " for update of d skip locked) x),"
                                        + " mail_due as (select d.id from delivery d where $7 and d.webhook_id is null and d.state = 'pending'"
                                        + " and d.next_attempt_at <= $1 order by d.priority desc, d.next_attempt_at limit $4 for update skip locked),"
                                        + " due as (select id from hook_due union all select id from mail_due)"
                                        + " update delivery d set next_attempt_at = $2, attempts = d.attempts + 1, last_attempt_at = $1 from due where d.id = due.id"
                                        + " returning d.id, d.notice_id, d.webhook_id, d.recipient, d.attempts, d.created_at, d.priority,"
                                        + " (select n.event from notice n where n.id = d.notice_id) as event,"
                                        + " (select n.body from notice n where n.id = d.notice_id) as body,"
                                        + " (select w.url from webhook w where w.id = d.webhook_id) as url,"
                                        + " (select w.secret_enc from webhook w where w.id = d.webhook_id) as secret_enc,"
                                        + " (select w.previous_secret_enc from webhook w where w.id = d.webhook_id and w.previous_secret_until > $1) as previous_secret_enc,"
                                        + " coalesce((select w.active from webhook w where w.id = d.webhook_id), false) as active,"
                                        // an email goes only to its owner's current, confirmed address
                                        // (or, for a service account's token, one of its managers' confirmed addresses)
                                        + " d.webhook_id is not null or exists (select 1 from notice n join app_user u on u.id = n.user_id"
                                        + " or u.id in (select m.manager_id from service_account_manager m where m.account_id = n.user_id)"
                                        + " join email_confirmation c on c.user_id = u.id and c.email = u.email and c.confirmed_at is not null"
                                        + " where n.id = d.notice_id and u.deleted_at is null and u.email = d.recipient) as recipient_confirmed")
                        .execute(Tuple.from(new Object[] {
                            at,
                            OffsetDateTime.ofInstant(now.plus(hold), ZoneOffset.UTC),
                            perHook,
                            mail,
                            breakerFailures,
                            skipHooks.toArray(UUID[]::new),
                            takeMail
                        })))
                .map(rows -> {
                    List<Due> due = new ArrayList<>();
                    for (Row row : rows) {
                        var secret = row.getBuffer("secret_enc");
                        var previous = row.getBuffer("previous_secret_enc");
                        due.add(new Due(
                                row.getUUID("id"),
                                row.getUUID("notice_id"),
                                row.getString("event"),
                                row.getString("body"),
                                row.getUUID("webhook_id"),
                                row.getString("url"),
                                secret == null ? null : secret.getBytes(),
                                previous == null ? null : previous.getBytes(),
                                row.getBoolean("active"),
                                row.getString("recipient"),
                                row.getBoolean("recipient_confirmed"),
                                row.getInteger("attempts"),
                                row.getOffsetDateTime("created_at").toInstant(),
                                row.getShort("priority")));
                    }
                    return due;
                });
    }

    /**
     * Records the outcome of attempt number {@code attempt}: delivered, to be retried at {@code retryAt}, or (retryAt null)
     * given up. Only while that attempt is still the delivery's latest and it is pending: a replica that took longer than
     * its hold, while another one took the delivery over, never overwrites the other's outcome. When {@code breaker} is
     * true (an attempt that reached for the webhook), the outcome also moves the webhook's circuit breaker: a success
     * closes it, the {@code patgate.webhooks.breaker-failures}th failure in a row opens it for the cool-down. The
     * webhook's failures in a row after this outcome, or -1 when nothing was recorded (or no breaker moved).
     */
    public Uni<Integer> attempted(
            UUID id,
            int attempt,
            boolean delivered,
            Integer responseCode,
            int durationMs,
            String error,
            Instant now,
            Instant retryAt,
            boolean breaker) {
        String state = delivered ? Delivery.DELIVERED : retryAt == null ? Delivery.FAILED : Delivery.PENDING;
        OffsetDateTime at = OffsetDateTime.ofInstant(now, ZoneOffset.UTC);
        return pool.preparedQuery(
                        "with recorded as (update delivery set state = $2, response_code = $3, duration_ms = $4, error = $5,"
                                + " delivered_at = case when $2 = 'delivered' then $6 else delivered_at end, next_attempt_at = $7"
                                + " where id = $1 and attempts = $8 and state = 'pending' returning webhook_id)"
                                + " update webhook w set consecutive_failures = case when $9 then 0 else w.consecutive_failures + 1 end,"
                                + " breaker_open_until = case when $9 then null when w.consecutive_failures + 1 >= $10"
                                + " then $6::timestamptz + make_interval(secs => $11) else w.breaker_open_until end"
                                + " from recorded where w.id = recorded.webhook_id and $12 returning w.consecutive_failures")
                .execute(Tuple.from(new Object[] {
                    id,
                    state,
                    responseCode,
                    durationMs,
                    error == null ? null : truncate(error, 512),
                    at,
                    retryAt == null ? null : OffsetDateTime.ofInstant(retryAt, ZoneOffset.UTC),
                    attempt,
                    delivered,
                    breakerFailures,
                    (double) breakerCoolDown.toSeconds(),
                    breaker
                }))
                .map(rows ->
                        rows.iterator().hasNext() ? rows.iterator().next().getInteger("consecutive_failures") : -1);
    }

    /** Counts one more mail to {@code recipient} (see {@link SendLimit#recipient}) in its day, on every replica's count. */
    public Uni<SendLimit.Count> countMail(String recipient) {
        return SendLimit.count(pool, SendLimit.MAIL, SendLimit.recipient(recipient), 1, Duration.ofDays(1));
    }

    /** After this many failures in a row a webhook's breaker opens. */
    public int breakerFailures() {
        return breakerFailures;
    }

    /**
     * Forgets what is no longer needed: notices (and their deliveries) older than {@code cutoff} that nothing is still
     * waiting on; everything about tokens revoked or expired before {@code cutoff} (their notices and deliveries,
     * pending or not, and the networks they were used from); and the counters of limits whose window ended days ago.
     * The number of notices and networks removed.
     */
    public Uni<Integer> pruneBefore(Instant cutoff) {
        Tuple before = Tuple.of(OffsetDateTime.ofInstant(cutoff, ZoneOffset.UTC));
        String gone = " and (t.revoked_at < $1 or t.expires_at < $1)";
        return pool.withTransaction(conn -> conn.preparedQuery(
                        "delete from notice n where n.at < $1 and n.dispatched_at is not null"
                                + " and not exists (select 1 from delivery d where d.notice_id = n.id and d.state = 'pending')")
                .execute(before)
                .chain(a -> conn.preparedQuery(
                                "delete from notice n using access_token t where t.id = n.token_id" + gone)
                        .execute(before)
                        .map(b -> a.rowCount() + b.rowCount()))
                .chain(n -> conn.preparedQuery(
                                "delete from token_network k using access_token t where t.id = k.token_id" + gone)
                        .execute(before)
                        .map(c -> n + c.rowCount()))
                .call(() -> conn.query("delete from send_limit where window_start < now() - interval '2 days'")
                        .execute()));
    }

    /**
     * Forgets the replaced webhook secrets whose overlap is over at {@code now}: nothing signs with them any more, so they
     * are not kept, not even sealed. The row version moves, as for any change of the row.
     */
    public Uni<Integer> dropReplacedSecrets(Instant now) {
        return pool.preparedQuery(
                        "update webhook set previous_secret_enc = null, previous_secret_until = null, row_version = row_version + 1"
                                + " where previous_secret_until <= $1")
                .execute(Tuple.of(OffsetDateTime.ofInstant(now, ZoneOffset.UTC)))
                .map(r -> r.rowCount());
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
