package io.patgate.store;

import io.patgate.domain.AuditAction;
import io.patgate.domain.NoticeEvent;
import io.patgate.domain.RevokeReason;
import io.patgate.config.PatgateConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * The notices' plain SQL: the time-based scan (one replica at a time, under an advisory lock, and each notice
 * at most once by its unique mark), new networks found in the usage data (capped per token, and their notices per
 * account), the deliveries' claim and outcome ({@code FOR UPDATE SKIP LOCKED}: two replicas never take the same
 * delivery), each webhook's circuit breaker, and pruning.
 */
@ApplicationScoped
public class NoticeStore {

    private static final long SCAN_LOCK = 7022217116003182192L;
    /** An instant as the API writes it, inside SQL-built detail. */
    private static final String ISO = "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'";
    private static final String NEW_ADDRESS = NoticeEvent.NEW_ADDRESS.wire();
    private static final Duration ROUTINE_WINDOW = Duration.ofHours(1);

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(NoticeStore.class);

    private final Pool pool;
    private final AuditEventRepository audit;
    private final int routineLimit;
    private final int maxNetworks;
    private final int breakerFailures;
    private final Duration breakerCoolDown;

    public NoticeStore(Pool pool, AuditEventRepository audit, PatgateConfig config) {
        this.pool = pool;
        this.audit = audit;
        this.routineLimit = config.notices().routinePerUserPerHour();
        this.maxNetworks = Math.max(1, config.notices().maxNetworksPerToken());
        this.breakerFailures = Math.max(1, config.webhooks().breakerFailures());
        this.breakerCoolDown = config.webhooks().breakerCoolDown();
    }

    /**
     * What the scan looks for.
     *
     * @param expiringDays      thresholds of {@code token.expiring}, any order
     * @param retireUnusedAfter retire tokens unused this long (after a warning 7 days before), or empty
     */
    public record Scan(List<Integer> expiringDays, Optional<Duration> retireUnusedAfter) {
    }

    /** A token the scan retired. */
    public record Retired(UUID tokenId, UUID userId, String username, Instant unusedSince) {
    }

    /** What one scan did; {@code ran} is false when another replica was scanning. */
    public record Scanned(boolean ran, int raised, List<Retired> retired) {
    }

    /** The warning before a retirement comes this long before it. */
    public static final Duration RETIRE_WARNING = Duration.ofDays(7);

    /**
     * Raises the time-based notices due at {@code now} and retires unused tokens, in one transaction, unless
     * another replica is scanning. {@code audit} gives the audit event of each retirement.
     */
    public Uni<Scanned> scan(Scan scan, Instant now, Function<Retired, AuditEntry> auditOf) {
        OffsetDateTime at = OffsetDateTime.ofInstant(now, ZoneOffset.UTC);
        List<Integer> days = scan.expiringDays().stream().filter(d -> d > 0).distinct().sorted((a, b) -> b - a).toList();
        return pool.withTransaction(conn -> conn.preparedQuery("select pg_try_advisory_xact_lock($1) as taken").execute(Tuple.of(SCAN_LOCK))
                .chain(rows -> {
                    if (!rows.iterator().next().getBoolean("taken")) {
                        return Uni.createFrom().item(new Scanned(false, 0, List.of()));
                    }
                    Uni<Integer> raised = Uni.createFrom().item(0);
                    for (int i = 0; i < days.size(); i++) {
                        int d = days.get(i);
                        int below = i + 1 < days.size() ? days.get(i + 1) : 0;
                        raised = raised.chain(n -> expiring(conn, at, d, below).map(m -> n + m));
                    }
                    raised = raised.chain(n -> expired(conn, at).map(m -> n + m));
                    if (scan.retireUnusedAfter().isEmpty()) {
                        return raised.map(n -> new Scanned(true, n, List.of()));
                    }
                    double after = scan.retireUnusedAfter().get().toSeconds();
                    return raised.chain(n -> retireWarnings(conn, at, after).map(m -> n + m))
                            .chain(n -> retire(conn, at, after, auditOf).map(retired -> new Scanned(true, n + 2 * retired.size(), retired)));
                }));
    }

    /** Live tokens of live owners, for the scan's conditions. */
    private static final String LIVE = " from access_token t join app_user u on u.id = t.user_id"
            + " where t.revoked_at is null and u.deleted_at is null and not u.disabled";

    private static Uni<Integer> expiring(SqlConnection conn, OffsetDateTime now, int days, int below) {
        // the threshold's window: within `days` of expiry but not yet within the next threshold; and not for a value
        // issued inside the window or within a day of it (who just chose a 30-day token needs no 30-day warning, nor
        // who chose a 7-day one a 30-day warning)
        return conn.preparedQuery("insert into notice (id, event, at, token_id, user_id, detail, mark, basis)"
                        + " select gen_random_uuid(), 'token.expiring', $1::timestamptz, t.id, t.user_id,"
                        + " json_build_object('reason', 'expiry', 'days', $2::int, 'expiresAt', to_char(t.expires_at at time zone 'UTC', " + ISO + "))::text,"
                        + " 'expiry-' || $2::int, t.expires_at" + LIVE
                        + " and t.expires_at > $1::timestamptz + make_interval(days => $3::int) and t.expires_at <= $1::timestamptz + make_interval(days => $2::int)"
                        + " and t.issued_at < t.expires_at - make_interval(days => $2::int + 1)"
                        + " on conflict do nothing")
                .execute(Tuple.of(now, days, below)).map(r -> r.rowCount());
    }

    private static Uni<Integer> expired(SqlConnection conn, OffsetDateTime now) {
        // a week back at most: a first start of this version does not announce every token that ever expired
        return conn.preparedQuery("insert into notice (id, event, at, token_id, user_id, detail, mark, basis)"
                        + " select gen_random_uuid(), 'token.expired', $1::timestamptz, t.id, t.user_id,"
                        + " json_build_object('expiredAt', to_char(t.expires_at at time zone 'UTC', " + ISO + "))::text, 'expired', t.expires_at" + LIVE
                        + " and t.expires_at <= $1::timestamptz and t.expires_at > $1::timestamptz - interval '7 days'"
                        + " on conflict do nothing")
                .execute(Tuple.of(now)).map(r -> r.rowCount());
    }

    /** A token's last use (written by the usage writer, see V19) or, never used, its creation. */
    private static final String UNUSED_SINCE = "coalesce((select g.last_used_at from token_usage g where g.token_id = t.id), t.created_at)";

    private static Uni<Integer> retireWarnings(SqlConnection conn, OffsetDateTime now, double after) {
        return conn.preparedQuery("insert into notice (id, event, at, token_id, user_id, detail, mark, basis)"
                        + " select gen_random_uuid(), 'token.expiring', $1::timestamptz, t.id, t.user_id,"
                        + " json_build_object('reason', 'unused', 'days', 7, 'unusedSince', to_char(" + UNUSED_SINCE + " at time zone 'UTC', " + ISO + "),"
                        + " 'retiresAt', to_char(greatest(" + UNUSED_SINCE + " + make_interval(secs => $2), $1::timestamptz + interval '7 days') at time zone 'UTC', " + ISO + "))::text,"
                        + " 'unused', " + UNUSED_SINCE + LIVE
                        // not for a token that expires before the day it would be retired (nor one already expired)
                        + " and (t.expires_at is null or t.expires_at > greatest(" + UNUSED_SINCE + " + make_interval(secs => $2), $1::timestamptz + interval '7 days'))"
                        + " and " + UNUSED_SINCE + " <= $1::timestamptz - make_interval(secs => $2) + interval '7 days'"
                        + " on conflict do nothing")
                .execute(Tuple.of(now, after)).map(r -> r.rowCount());
    }

    private Uni<List<Retired>> retire(SqlConnection conn, OffsetDateTime now, double after, Function<Retired, AuditEntry> auditOf) {
        // only a token warned at least 7 days ago about this very stretch of disuse (the warning's basis)
        return conn.preparedQuery("update access_token t set revoked_at = $1::timestamptz, revoked_reason = '" + RevokeReason.UNUSED.wire() + "', previous_digest = null,"
                        + " previous_valid_until = null, updated_at = $1::timestamptz from app_user u"
                        + " where u.id = t.user_id and t.revoked_at is null and u.deleted_at is null and not u.disabled"
                        + " and (t.expires_at is null or t.expires_at > $1::timestamptz)"
                        + " and " + UNUSED_SINCE + " <= $1::timestamptz - make_interval(secs => $2)"
                        + " and exists (select 1 from notice n where n.token_id = t.id and n.event = 'token.expiring' and n.mark = 'unused'"
                        + " and n.basis = " + UNUSED_SINCE + " and n.at <= $1::timestamptz - interval '7 days')"
                        + " returning t.id, t.user_id, u.username, " + UNUSED_SINCE + " as unused_since")
                .execute(Tuple.of(now, after))
                .map(rows -> {
                    List<Retired> retired = new ArrayList<>();
                    for (Row row : rows) {
                        retired.add(new Retired(row.getUUID("id"), row.getUUID("user_id"), row.getString("username"),
                                row.getOffsetDateTime("unused_since").toInstant()));
                    }
                    return retired;
                })
                .call(retired -> {
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (Retired r : retired) {
                        chain = chain.chain(() -> audit.append(conn, auditOf.apply(r)))
                                .chain(() -> insert(conn, NoticeEvent.REVOKED.wire(), now, r,
                                        "{\"by\":\"system\",\"reason\":\"" + RevokeReason.UNUSED.wire() + "\"}"))
                                .chain(() -> insert(conn, NoticeEvent.RETIRED_UNUSED.wire(), now, r,
                                        "{\"unusedSince\":\"" + r.unusedSince().truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + "\"}"));
                    }
                    return chain;
                });
    }

    private static Uni<Void> insert(SqlConnection conn, String event, OffsetDateTime now, Retired r, String detail) {
        return conn.preparedQuery("insert into notice (id, event, at, token_id, user_id, detail) values (gen_random_uuid(), $1, $2, $3, $4, $5)")
                .execute(Tuple.of(event, now, r.tokenId(), r.userId(), detail)).replaceWithVoid();
    }

    /** A token seen from an address (a valid IP literal) at an instant. */
    public record Seen(UUID tokenId, String address, Instant at) {
    }

    /**
     * Remembers the networks (an IPv4 address, an IPv6 /64) tokens were used from, on the usage writer's connection and
     * transaction, and raises {@code token.used-from-new-address} for each network that is new to a token that already
     * had others (the first networks a token is used from are its baseline). The primary key makes it once per network,
     * whichever replica saw it first. Bounded both ways: a token keeps its {@code patgate.notices.max-networks-per-token}
     * networks seen most recently (the others are forgotten), and an account gets at most
     * {@code patgate.notices.routine-per-user-per-hour} of these notices an hour (beyond it they are dropped, with one
     * audit event {@code notice.limited}), so a token used from ever new IPv6 networks grows neither table without end.
     * A known network's {@code last_seen} is only rewritten once it is {@code step} old (it orders the cap, nothing finer),
     * so a round of known networks writes nothing; except for a token at its cap, whose order decides which network goes
     * next (a network in use must not be the one forgotten). The tokens that got a network they did not have.
     */
    Uni<Set<UUID>> seen(SqlConnection conn, List<Seen> seen, Duration step) {
        if (seen.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        UUID[] tokens = seen.stream().map(Seen::tokenId).toArray(UUID[]::new);
        String[] addresses = seen.stream().map(Seen::address).toArray(String[]::new);
        OffsetDateTime[] ats = seen.stream().map(s -> OffsetDateTime.ofInstant(s.at(), ZoneOffset.UTC)).toArray(OffsetDateTime[]::new);
        // one snapshot: `known` is what each token had before this statement; networks as patgate_network (V11) writes them
        return conn.preparedQuery("with seen as (select token_id, patgate_network(address) as network, host(address::inet) as address, at"
                        + " from unnest($1::uuid[], $2::text[], $3::timestamptz[]) as s(token_id, address, at)),"
                        + " grouped as (select token_id, network, min(at) as first_at, max(at) as last_at from seen group by token_id, network),"
                        + " refreshed as (update token_network n set last_seen = greatest(n.last_seen, g.last_at) from grouped g"
                        + " where n.token_id = g.token_id and n.network = g.network and (n.last_seen <= g.last_at - make_interval(secs => $4)"
                        // a token at its cap orders its networks exactly: a network in use, refreshed late, could be the one forgotten
                        // next, and its next use would then be told as new
                        + " or (select count(*) from token_network c where c.token_id = n.token_id) >= $5)),"
                        + " added as (insert into token_network (token_id, network, first_seen, last_seen)"
                        + " select g.token_id, g.network, g.first_at, g.last_at from grouped g join access_token t on t.id = g.token_id"
                        + " where not exists (select 1 from token_network k where k.token_id = g.token_id and k.network = g.network)"
                        + " on conflict do nothing returning token_id, network, first_seen)"
                        + " select a.token_id, t.user_id, a.network, a.first_seen, (select s.address from seen s where s.token_id = a.token_id"
                        + " and s.network = a.network order by s.at limit 1) as address,"
                        + " exists (select 1 from token_network known where known.token_id = a.token_id and known.network <> a.network) as told"
                        + " from added a join access_token t on t.id = a.token_id"
                        + " order by a.first_seen")
                .execute(Tuple.of(tokens, addresses, ats, (double) step.toMillis() / 1000, maxNetworks))
                .chain(rows -> {
                    Set<UUID> added = new java.util.HashSet<>();
                    Map<UUID, List<Row>> byUser = new LinkedHashMap<>();
                    for (Row row : rows) {
                        added.add(row.getUUID("token_id"));
                        if (row.getBoolean("told")) {
                            byUser.computeIfAbsent(row.getUUID("user_id"), u -> new ArrayList<>()).add(row);
                        }
                    }
                    return raiseNewAddresses(conn, byUser).replaceWith(added);
                })
                .call(() -> conn.preparedQuery("delete from token_network n using (select token_id, network,"
                                + " row_number() over (partition by token_id order by last_seen desc, first_seen desc) as rank"
                                + " from token_network where token_id = any($1)) r"
                                + " where n.token_id = r.token_id and n.network = r.network and r.rank > $2")
                        .execute(Tuple.of(tokens, maxNetworks)));
    }

    /** The notices of new networks that each account's limit allows, the first ones first; the number raised. */
    private Uni<Integer> raiseNewAddresses(SqlConnection conn, Map<UUID, List<Row>> byUser) {
        Uni<List<Row>> allowed = Uni.createFrom().item(new ArrayList<>());
        for (Map.Entry<UUID, List<Row>> user : byUser.entrySet()) {
            int n = user.getValue().size();
            allowed = allowed.chain(list -> SendLimit.count(conn, SendLimit.NOTICE + NEW_ADDRESS, user.getKey().toString(), n, ROUTINE_WINDOW)
                    .chain(count -> {
                        int before = count.used() - n;
                        int room = Math.max(0, Math.min(n, routineLimit - before));
                        list.addAll(user.getValue().subList(0, room));
                        if (room == n || before > routineLimit) {
                            return Uni.createFrom().item(list); // within the limit, or already told it was reached
                        }
                        LOG.warnf("Account %s had more than %d %s notices within an hour; further ones are dropped for %d s",
                                user.getKey(), routineLimit, NEW_ADDRESS, count.resetsIn());
                        return audit.append(conn, new AuditEntry(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS), "system",
                                AuditAction.NOTICE_LIMITED.wire(), user.getKey(), null, null, null, "more than " + routineLimit + " " + NEW_ADDRESS
                                + " notices within an hour: further ones are not raised for " + count.resetsIn() + " s")).replaceWith(list);
                    }));
        }
        return allowed.chain(list -> {
            if (list.isEmpty()) {
                return Uni.createFrom().item(0);
            }
            return conn.preparedQuery("insert into notice (id, event, at, token_id, user_id, detail)"
                            + " select gen_random_uuid(), '" + NEW_ADDRESS + "', x.at, x.token_id, x.user_id,"
                            + " json_build_object('address', x.address, 'network', x.network)::text"
                            + " from unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::text[], $5::text[]) as x(token_id, user_id, at, address, network)")
                    .execute(Tuple.of(list.stream().map(r -> r.getUUID("token_id")).toArray(UUID[]::new),
                            list.stream().map(r -> r.getUUID("user_id")).toArray(UUID[]::new),
                            list.stream().map(r -> r.getOffsetDateTime("first_seen")).toArray(OffsetDateTime[]::new),
                            list.stream().map(r -> r.getString("address")).toArray(String[]::new),
                            list.stream().map(r -> r.getString("network")).toArray(String[]::new)))
                    .map(r -> r.rowCount());
        });
    }

    /**
     * A delivery taken by this replica: what to send where. {@code url} is null for an email, and {@code recipientConfirmed}
     * says whether its recipient is still its owner's confirmed address (always true for a webhook). {@code previousSecretEnc}
     * is the secret the hook's current one replaced while it still signs (its overlap not over when taken), else null.
     */
    public record Due(UUID id, UUID noticeId, String event, String body, UUID webhookId, String url, byte[] secretEnc, byte[] previousSecretEnc,
                      boolean hookActive, String recipient, boolean recipientConfirmed, int attempt, Instant createdAt, short priority) {
    }

    /**
     * Takes due deliveries for this replica, lane by lane: up to {@code perHook} of each webhook's (one only for a
     * webhook whose breaker has just cooled down: the probe; none while it is open), and up to {@code mail} emails
     * (none when {@code takeMail} is false). Within a lane, higher priorities first, then the longest due. Each is
     * pushed {@code hold} into the future, so no other replica takes it while this one sends, and comes back by itself
     * if this one dies mid-send. Webhooks in {@code skipHooks} (still being sent to by this replica) are left alone.
     */
    public Uni<List<Due>> take(Instant now, Duration hold, int perHook, int mail, Set<UUID> skipHooks, boolean takeMail) {
        OffsetDateTime at = OffsetDateTime.ofInstant(now, ZoneOffset.UTC);
        return pool.withTransaction(conn -> conn.preparedQuery("with hooks as (select w.id,"
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
                .execute(Tuple.from(new Object[]{at, OffsetDateTime.ofInstant(now.plus(hold), ZoneOffset.UTC), perHook, mail, breakerFailures,
                        skipHooks.toArray(UUID[]::new), takeMail})))
                .map(rows -> {
                    List<Due> due = new ArrayList<>();
                    for (Row row : rows) {
                        var secret = row.getBuffer("secret_enc");
                        var previous = row.getBuffer("previous_secret_enc");
                        due.add(new Due(row.getUUID("id"), row.getUUID("notice_id"), row.getString("event"), row.getString("body"),
                                row.getUUID("webhook_id"), row.getString("url"), secret == null ? null : secret.getBytes(),
                                previous == null ? null : previous.getBytes(), row.getBoolean("active"),
                                row.getString("recipient"), row.getBoolean("recipient_confirmed"), row.getInteger("attempts"),
                                row.getOffsetDateTime("created_at").toInstant(), row.getShort("priority")));
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
    public Uni<Integer> attempted(UUID id, int attempt, boolean delivered, Integer responseCode, int durationMs, String error, Instant now,
                                  Instant retryAt, boolean breaker) {
        String state = delivered ? Delivery.DELIVERED : retryAt == null ? Delivery.FAILED : Delivery.PENDING;
        OffsetDateTime at = OffsetDateTime.ofInstant(now, ZoneOffset.UTC);
        return pool.preparedQuery("with recorded as (update delivery set state = $2, response_code = $3, duration_ms = $4, error = $5,"
                        + " delivered_at = case when $2 = 'delivered' then $6 else delivered_at end, next_attempt_at = $7"
                        + " where id = $1 and attempts = $8 and state = 'pending' returning webhook_id)"
                        + " update webhook w set consecutive_failures = case when $9 then 0 else w.consecutive_failures + 1 end,"
                        + " breaker_open_until = case when $9 then null when w.consecutive_failures + 1 >= $10"
                        + " then $6::timestamptz + make_interval(secs => $11) else w.breaker_open_until end"
                        + " from recorded where w.id = recorded.webhook_id and $12 returning w.consecutive_failures")
                .execute(Tuple.from(new Object[]{id, state, responseCode, durationMs, error == null ? null : truncate(error, 512), at,
                        retryAt == null ? null : OffsetDateTime.ofInstant(retryAt, ZoneOffset.UTC), attempt, delivered, breakerFailures,
                        (double) breakerCoolDown.toSeconds(), breaker}))
                .map(rows -> rows.iterator().hasNext() ? rows.iterator().next().getInteger("consecutive_failures") : -1);
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
        return pool.withTransaction(conn -> conn.preparedQuery("delete from notice n where n.at < $1 and n.dispatched_at is not null"
                                + " and not exists (select 1 from delivery d where d.notice_id = n.id and d.state = 'pending')").execute(before)
                .chain(a -> conn.preparedQuery("delete from notice n using access_token t where t.id = n.token_id" + gone).execute(before)
                        .map(b -> a.rowCount() + b.rowCount()))
                .chain(n -> conn.preparedQuery("delete from token_network k using access_token t where t.id = k.token_id" + gone).execute(before)
                        .map(c -> n + c.rowCount()))
                .call(() -> conn.query("delete from send_limit where window_start < now() - interval '2 days'").execute()));
    }

    /**
     * Forgets the replaced webhook secrets whose overlap is over at {@code now}: nothing signs with them any more, so they
     * are not kept, not even sealed. The row version moves, as for any change of the row.
     */
    public Uni<Integer> dropReplacedSecrets(Instant now) {
        return pool.preparedQuery("update webhook set previous_secret_enc = null, previous_secret_until = null, row_version = row_version + 1"
                        + " where previous_secret_until <= $1")
                .execute(Tuple.of(OffsetDateTime.ofInstant(now, ZoneOffset.UTC))).map(r -> r.rowCount());
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
