package io.patgate.store;

import io.patgate.domain.NoticeEvent;
import io.patgate.domain.RevokeReason;
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
 * The time-based notices' plain SQL: one replica scans at a time (under an advisory lock), each notice at most once by
 * its unique mark; tokens expiring and expired, and the warning and retirement of unused tokens.
 */
@ApplicationScoped
public class NoticeScanStore {

    private static final long SCAN_LOCK = 7022217116003182192L;
    /** An instant as the API writes it, inside SQL-built detail. */
    private static final String ISO = "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'";

    private final Pool pool;
    private final AuditEventRepository audit;

    public NoticeScanStore(Pool pool, AuditEventRepository audit) {
        this.pool = pool;
        this.audit = audit;
    }

    /**
     * What the scan looks for.
     *
     * @param expiringDays      thresholds of {@code token.expiring}, any order
     * @param retireUnusedAfter retire tokens unused this long (after a warning 7 days before), or empty
     */
    public record Scan(List<Integer> expiringDays, Optional<Duration> retireUnusedAfter) {}

    /** A token the scan retired. */
    public record Retired(UUID tokenId, UUID userId, String username, Instant unusedSince) {}

    /** What one scan did; {@code ran} is false when another replica was scanning. */
    public record Scanned(boolean ran, int raised, List<Retired> retired) {}

    /** The warning before a retirement comes this long before it. */
    public static final Duration RETIRE_WARNING = Duration.ofDays(7);

    /**
     * Raises the time-based notices due at {@code now} and retires unused tokens, in one transaction, unless
     * another replica is scanning. {@code audit} gives the audit event of each retirement.
     */
    public Uni<Scanned> scan(Scan scan, Instant now, Function<Retired, AuditEntry> auditOf) {
        OffsetDateTime at = OffsetDateTime.ofInstant(now, ZoneOffset.UTC);
        List<Integer> days = scan.expiringDays().stream()
                .filter(d -> d > 0)
                .distinct()
                .sorted((a, b) -> b - a)
                .toList();
        return pool.withTransaction(conn -> conn.preparedQuery("select pg_try_advisory_xact_lock($1) as taken")
                .execute(Tuple.of(SCAN_LOCK))
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
                            .chain(n -> retire(conn, at, after, auditOf)
                                    .map(retired -> new Scanned(true, n + 2 * retired.size(), retired)));
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
                        + " json_build_object('reason', 'expiry', 'days', $2::int, 'expiresAt', to_char(t.expires_at at time zone 'UTC', "
                        + ISO + "))::text,"
                        + " 'expiry-' || $2::int, t.expires_at" + LIVE
                        + " and t.expires_at > $1::timestamptz + make_interval(days => $3::int) and t.expires_at <= $1::timestamptz + make_interval(days => $2::int)"
                        + " and t.issued_at < t.expires_at - make_interval(days => $2::int + 1)"
                        + " on conflict do nothing")
                .execute(Tuple.of(now, days, below))
                .map(r -> r.rowCount());
    }

    private static Uni<Integer> expired(SqlConnection conn, OffsetDateTime now) {
        // a week back at most: a first start of this version does not announce every token that ever expired
        return conn.preparedQuery("insert into notice (id, event, at, token_id, user_id, detail, mark, basis)"
                        + " select gen_random_uuid(), 'token.expired', $1::timestamptz, t.id, t.user_id,"
                        + " json_build_object('expiredAt', to_char(t.expires_at at time zone 'UTC', " + ISO
                        + "))::text, 'expired', t.expires_at" + LIVE
                        + " and t.expires_at <= $1::timestamptz and t.expires_at > $1::timestamptz - interval '7 days'"
                        + " on conflict do nothing")
                .execute(Tuple.of(now))
                .map(r -> r.rowCount());
    }

    /** A token's last use (written by the usage writer, see V19) or, never used, its creation. */
    private static final String UNUSED_SINCE =
            "coalesce((select g.last_used_at from token_usage g where g.token_id = t.id), t.created_at)";

    private static Uni<Integer> retireWarnings(SqlConnection conn, OffsetDateTime now, double after) {
        return conn.preparedQuery("insert into notice (id, event, at, token_id, user_id, detail, mark, basis)"
                        + " select gen_random_uuid(), 'token.expiring', $1::timestamptz, t.id, t.user_id,"
                        + " json_build_object('reason', 'unused', 'days', 7, 'unusedSince', to_char(" + UNUSED_SINCE
                        + " at time zone 'UTC', " + ISO + "),"
                        + " 'retiresAt', to_char(greatest(" + UNUSED_SINCE
                        + " + make_interval(secs => $2), $1::timestamptz + interval '7 days') at time zone 'UTC', "
                        + ISO + "))::text,"
                        + " 'unused', " + UNUSED_SINCE + LIVE
                        // not for a token that expires before the day it would be retired (nor one already expired)
                        + " and (t.expires_at is null or t.expires_at > greatest(" + UNUSED_SINCE
                        + " + make_interval(secs => $2), $1::timestamptz + interval '7 days'))"
                        + " and " + UNUSED_SINCE + " <= $1::timestamptz - make_interval(secs => $2) + interval '7 days'"
                        + " on conflict do nothing")
                .execute(Tuple.of(now, after))
                .map(r -> r.rowCount());
    }

    private Uni<List<Retired>> retire(
            SqlConnection conn, OffsetDateTime now, double after, Function<Retired, AuditEntry> auditOf) {
        // only a token warned at least 7 days ago about this very stretch of disuse (the warning's basis)
        return conn.preparedQuery("update access_token t set revoked_at = $1::timestamptz, revoked_reason = '"
                        + RevokeReason.UNUSED.wire() + "', previous_digest = null,"
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
                        retired.add(new Retired(
                                row.getUUID("id"),
                                row.getUUID("user_id"),
                                row.getString("username"),
                                row.getOffsetDateTime("unused_since").toInstant()));
                    }
                    return retired;
                })
                .call(retired -> {
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (Retired r : retired) {
                        chain = chain.chain(() -> audit.append(conn, auditOf.apply(r)))
                                .chain(() -> insert(
                                        conn,
                                        NoticeEvent.REVOKED.wire(),
                                        now,
                                        r,
                                        "{\"by\":\"system\",\"reason\":\"" + RevokeReason.UNUSED.wire() + "\"}"))
                                .chain(() -> insert(
                                        conn,
                                        NoticeEvent.RETIRED_UNUSED.wire(),
                                        now,
                                        r,
                                        "{\"unusedSince\":\""
                                                + r.unusedSince().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                                                + "\"}"));
                    }
                    return chain;
                });
    }

    private static Uni<Void> insert(SqlConnection conn, String event, OffsetDateTime now, Retired r, String detail) {
        return conn.preparedQuery(
                        "insert into notice (id, event, at, token_id, user_id, detail) values (gen_random_uuid(), $1, $2, $3, $4, $5)")
                .execute(Tuple.of(event, now, r.tokenId(), r.userId(), detail))
                .replaceWithVoid();
    }
}
