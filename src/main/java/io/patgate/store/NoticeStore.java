package io.patgate.store;

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
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * The notices' plain SQL: the time-based scan (one replica at a time, under an advisory lock, and each notice
 * at most once by its unique mark), new networks found in the usage data, and the deliveries' claim and outcome
 * ({@code FOR UPDATE SKIP LOCKED}: two replicas never take the same delivery).
 */
@ApplicationScoped
public class NoticeStore {

    private static final long SCAN_LOCK = 7022217116003182192L;
    /** An instant as the API writes it, inside SQL-built detail. */
    private static final String ISO = "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'";

    private final Pool pool;
    private final AuditEventRepository audit;

    public NoticeStore(Pool pool, AuditEventRepository audit) {
        this.pool = pool;
        this.audit = audit;
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

    private static final String UNUSED_SINCE = "coalesce(t.last_used_at, t.created_at)";

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
        return conn.preparedQuery("update access_token t set revoked_at = $1::timestamptz, revoked_reason = 'unused', previous_digest = null,"
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
                                .chain(() -> insert(conn, "token.revoked", now, r, "{\"by\":\"system\",\"reason\":\"unused\"}"))
                                .chain(() -> insert(conn, "token.retired-unused", now, r,
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
     * Remembers the networks (an IPv4 address, an IPv6 /64) tokens were used from, on the usage writer's connection and transaction, and raises
     * {@code token.used-from-new-address} for each network that is new to a token that already had others (the
     * first networks a token is used from are its baseline). The primary key makes it once per network, whichever
     * replica saw it first.
     */
    static Uni<Integer> seen(SqlConnection conn, List<Seen> seen) {
        if (seen.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        UUID[] tokens = seen.stream().map(Seen::tokenId).toArray(UUID[]::new);
        String[] addresses = seen.stream().map(Seen::address).toArray(String[]::new);
        OffsetDateTime[] ats = seen.stream().map(s -> OffsetDateTime.ofInstant(s.at(), ZoneOffset.UTC)).toArray(OffsetDateTime[]::new);
        // the main statement reads the snapshot from before the insert: `known` is what the token had before
        // networks as patgate_network (V11) writes them: an IPv4 address, an IPv6 /64
        return conn.preparedQuery("with seen as (select token_id, patgate_network(address) as network, host(address::inet) as address, at"
                        + " from unnest($1::uuid[], $2::text[], $3::timestamptz[]) as s(token_id, address, at)),"
                        + " added as (insert into token_network (token_id, network, first_seen)"
                        + " select token_id, network, min(at) from seen group by token_id, network"
                        + " on conflict do nothing returning token_id, network, first_seen)"
                        + " insert into notice (id, event, at, token_id, user_id, detail)"
                        + " select gen_random_uuid(), 'token.used-from-new-address', a.first_seen, a.token_id, t.user_id,"
                        + " json_build_object('address', (select s.address from seen s where s.token_id = a.token_id and s.network = a.network"
                        + " order by s.at limit 1), 'network', a.network)::text"
                        + " from added a join access_token t on t.id = a.token_id"
                        + " where exists (select 1 from token_network known where known.token_id = a.token_id and known.network <> a.network)")
                .execute(Tuple.of(tokens, addresses, ats)).map(r -> r.rowCount());
    }

    /**
     * A delivery taken by this replica: what to send where. {@code url} is null for an email. {@code previousSecretEnc} is
     * the secret the hook's current one replaced while it still signs (its overlap not over when taken), else null.
     */
    public record Due(UUID id, UUID noticeId, String event, String body, UUID webhookId, String url, byte[] secretEnc, byte[] previousSecretEnc,
                      boolean hookActive, String recipient, int attempt, Instant createdAt) {
    }

    /**
     * Takes up to {@code limit} due deliveries for this replica: each is pushed {@code hold} into the future, so no
     * other replica takes it while this one sends, and comes back by itself if this one dies mid-send.
     */
    public Uni<List<Due>> take(Instant now, Duration hold, int limit) {
        return pool.withTransaction(conn -> conn.preparedQuery("with due as (select id from delivery where state = 'pending' and next_attempt_at <= $1"
                        + " order by next_attempt_at limit $2 for update skip locked)"
                        + " update delivery d set next_attempt_at = $3, attempts = d.attempts + 1, last_attempt_at = $1 from due where d.id = due.id"
                        + " returning d.id, d.notice_id, d.webhook_id, d.recipient, d.attempts, d.created_at,"
                        + " (select n.event from notice n where n.id = d.notice_id) as event,"
                        + " (select n.body from notice n where n.id = d.notice_id) as body,"
                        + " (select w.url from webhook w where w.id = d.webhook_id) as url,"
                        + " (select w.secret_enc from webhook w where w.id = d.webhook_id) as secret_enc,"
                        + " (select w.previous_secret_enc from webhook w where w.id = d.webhook_id and w.previous_secret_until > $1) as previous_secret_enc,"
                        + " coalesce((select w.active from webhook w where w.id = d.webhook_id), false) as active")
                .execute(Tuple.of(OffsetDateTime.ofInstant(now, ZoneOffset.UTC), limit, OffsetDateTime.ofInstant(now.plus(hold), ZoneOffset.UTC))))
                .map(rows -> {
                    List<Due> due = new ArrayList<>();
                    for (Row row : rows) {
                        var secret = row.getBuffer("secret_enc");
                        var previous = row.getBuffer("previous_secret_enc");
                        due.add(new Due(row.getUUID("id"), row.getUUID("notice_id"), row.getString("event"), row.getString("body"),
                                row.getUUID("webhook_id"), row.getString("url"), secret == null ? null : secret.getBytes(),
                                previous == null ? null : previous.getBytes(), row.getBoolean("active"),
                                row.getString("recipient"), row.getInteger("attempts"), row.getOffsetDateTime("created_at").toInstant()));
                    }
                    return due;
                });
    }

    /**
     * Records the outcome of attempt number {@code attempt}: delivered, to be retried at {@code retryAt}, or (retryAt null)
     * given up. Only while that attempt is still the delivery's latest and it is pending: a replica that took longer than
     * its hold, while another one took the delivery over, never overwrites the other's outcome.
     */
    public Uni<Void> attempted(UUID id, int attempt, boolean delivered, Integer responseCode, int durationMs, String error, Instant now, Instant retryAt) {
        String state = delivered ? Delivery.DELIVERED : retryAt == null ? Delivery.FAILED : Delivery.PENDING;
        return pool.preparedQuery("update delivery set state = $2, response_code = $3, duration_ms = $4, error = $5,"
                        + " delivered_at = case when $2 = 'delivered' then $6 else delivered_at end, next_attempt_at = $7"
                        + " where id = $1 and attempts = $8 and state = 'pending'")
                .execute(Tuple.from(new Object[]{id, state, responseCode, durationMs, error == null ? null : truncate(error, 512),
                        OffsetDateTime.ofInstant(now, ZoneOffset.UTC), retryAt == null ? null : OffsetDateTime.ofInstant(retryAt, ZoneOffset.UTC), attempt}))
                .replaceWithVoid();
    }

    /** Forgets notices (and their deliveries) older than {@code cutoff} that nothing is still waiting on. */
    public Uni<Integer> pruneBefore(Instant cutoff) {
        return pool.preparedQuery("delete from notice n where n.at < $1 and n.dispatched_at is not null"
                        + " and not exists (select 1 from delivery d where d.notice_id = n.id and d.state = 'pending')")
                .execute(Tuple.of(OffsetDateTime.ofInstant(cutoff, ZoneOffset.UTC))).map(r -> r.rowCount());
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
