package io.patgate.store;

import io.patgate.domain.Cidr;
import io.patgate.identity.UsageTracker;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Writes the last-used data gathered by {@link UsageTracker}: every few seconds, the changed tokens in transactions of
 * {@link #BATCH}, and once more on graceful shutdown. A failed write is retried on the next round, so a database outage
 * loses nothing that is still in memory.
 *
 * <p>Two paths. The networks each token was used from ({@code token_network}, where {@code token.used-from-new-address}
 * comes from) are checked for every token used since the last round from addresses other than the ones the database
 * was last told of, and for every token once a minute ({@link #NETWORK_REFRESH}): exact, one statement, and a write
 * only for a network new to the token. The last use itself ({@code token_usage}, V19) is written only for a token
 * whose last use moved {@code patgate.tokens.usage-step} past what the database holds (or that just got a new network,
 * so its list shows the new address at once): see {@link #upsert}. So the primary's usage writes are at most about
 * one per token per step, whatever the number of replicas and requests.
 */
@ApplicationScoped
public class TokenUsageWriter {

    private static final Logger LOG = Logger.getLogger(TokenUsageWriter.class);

    /**
     * One row per token: inserted, or updated only if the stored last use is {@code $5} seconds (the step) older than
     * this one, or the token is among {@code $6} (a new network: written whatever the step). A replica whose token was
     * written by another one a moment ago finds the fresher row and writes nothing: the read of {@code known} skips it
     * without touching the row (an {@code on conflict ... where} that fails still locks it), the condition of the
     * conflict branch covers two replicas inserting or updating at the same instant. Either way the replica learns what
     * is stored ({@code stored}), so it does not try again before its own use is a step past that.
     *
     * <p>Linear in the batch, whatever the table's size: {@code known} is one primary-key look-up per token (the
     * {@code offset 0} keeps the planner from turning the lateral look-up back into a join, which it plans as a scan of
     * the whole table), and is joined, not probed per row. It was a join the planner made a scan of every row, and a
     * {@code not exists} over that CTE, a scan of the CTE per row: 92 ms a batch of 2,000 at 100,000 tokens (64 µs a
     * token; half a core of PostgreSQL under {@code bench/limit.sh}'s rotation), now 8 ms, and 27 ms when it writes
     * them all (2026-12-08, {@code explain analyze}).
     */
    static final String UPSERT =
            "with x as (select * from unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::text[]) as x(token_id, at, ip, recent)),"
                    + " known as (select g.token_id, g.last_used_at from x cross join lateral"
                    + " (select u.token_id, u.last_used_at from token_usage u where u.token_id = x.token_id offset 0) g),"
                    + " written as (insert into token_usage as g (token_id, last_used_at, last_used_ip, recent_ips)"
                    + " select x.token_id, x.at, x.ip, x.recent::text[] from x join access_token t on t.id = x.token_id"
                    + " left join known k on k.token_id = x.token_id"
                    + " where x.token_id = any($6::uuid[]) or k.token_id is null or k.last_used_at <= x.at - make_interval(secs => $5)"
                    + " on conflict (token_id) do update set last_used_at = greatest(g.last_used_at, excluded.last_used_at),"
                    + " last_used_ip = case when g.last_used_at <= excluded.last_used_at then excluded.last_used_ip else g.last_used_ip end,"
                    // one address, the same on both sides (a token in steady use): the newer list is the merge, without
                    // the merge function's 7 µs a row
                    + " recent_ips = case when cardinality(g.recent_ips) = 1 and cardinality(excluded.recent_ips) = 1"
                    + " and split_part(g.recent_ips[1], '|', 1) = split_part(excluded.recent_ips[1], '|', 1)"
                    + " and g.last_used_at <= excluded.last_used_at then excluded.recent_ips"
                    + " else patgate_merge_recent(excluded.recent_ips, g.recent_ips) end"
                    + " where g.last_used_at <= excluded.last_used_at - make_interval(secs => $5) or excluded.token_id = any($6::uuid[])"
                    + " returning g.token_id, g.last_used_at)"
                    // only the tokens whose stored use is not the one sent (not written, or a later one stood): the
                    // others hold what was sent, and 2,000 rows back per batch cost the service more than the writes
                    + " select x.token_id, coalesce(w.last_used_at, k.last_used_at) as stored, w.token_id is not null as wrote"
                    + " from x left join written w on w.token_id = x.token_id left join known k on k.token_id = x.token_id"
                    + " where w.token_id is null or w.last_used_at <> x.at";

    /** Tokens per transaction. */
    static final int BATCH = 2_000;

    private static final Duration BATCH_TIMEOUT = Duration.ofSeconds(10);
    private static final String STATEMENT_TIMEOUT = "set local statement_timeout = 10000";

    private final Pool pool;
    private final UsageTracker usage;
    private final NetworkSightings notices;
    private final Duration step;
    /** How often the networks of a token used from the same addresses are checked, and a known one's time refreshed. */
    private final Duration networkRefresh;

    /**
     * The least {@link #networkRefresh}: a known network's {@code last_seen} only orders which of a token's networks
     * are kept at its cap, so a minute is fine enough, and a token in steady use costs one {@code token_network}
     * statement a minute instead of one a step (with 100,000 tokens in rotation, 10,000 row updates a second, none
     * HOT). A new network is still checked, written and told at the next flush, and a token at its cap still has the
     * networks it is used from refreshed whenever it gets a new one.
     */
    static final Duration NETWORK_REFRESH = Duration.ofMinutes(1);

    public TokenUsageWriter(
            Pool pool, UsageTracker usage, NetworkSightings notices, io.patgate.config.PatgateConfig config) {
        this.pool = pool;
        this.usage = usage;
        this.notices = notices;
        this.step = config.tokens().usageStep();
        this.networkRefresh = step.compareTo(NETWORK_REFRESH) > 0 ? step : NETWORK_REFRESH;
    }

    @Scheduled(
            every = "${patgate.tokens.usage-flush-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduledFlush() {
        return flush().replaceWithVoid();
    }

    /**
     * Writes what changed since the last round; how many {@code token_usage} rows it wrote (what was written before a
     * failure, when one failed). In batches of {@link #BATCH} tokens, each its own transaction, one after the other:
     * 100,000 tokens used within a round are fifty short transactions, and the event loop serves requests between them,
     * where one statement of them all outlasted its timeout on a busy machine and was retried whole, round after round.
     * A batch that fails is put back with every batch after it, for the next round.
     */
    public Uni<Integer> flush() {
        // in the order of the token ids, on every replica: two replicas' batches lock rows in one order, never deadlock
        List<UUID> ids = usage.drain();
        ids.sort(null);
        if (ids.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return flush(ids, 0, 0);
    }

    private Uni<Integer> flush(List<UUID> ids, int from, int wrote) {
        if (from >= ids.size()) {
            LOG.debugf("Usage of %d tokens: %d rows written", ids.size(), wrote);
            return Uni.createFrom().item(wrote);
        }
        List<UUID> batch = ids.subList(from, Math.min(ids.size(), from + BATCH));
        return writeBatch(batch).onItemOrFailure().transformToUni((n, failure) -> {
            if (failure == null) {
                return flush(ids, from + batch.size(), wrote + n);
            }
            usage.putBack(new java.util.HashSet<>(ids.subList(from, ids.size())));
            LOG.warnf(
                    "Could not write last-used data of %d of %d tokens, will retry: %s",
                    ids.size() - from, ids.size(), failure.toString());
            return Uni.createFrom().item(wrote);
        });
    }

    /** One batch in one transaction: its tokens' networks where due, then their last use where due. */
    private Uni<Integer> writeBatch(List<UUID> batch) {
        Instant now = Instant.now();
        Map<UUID, UsageTracker.Pending> changed = new java.util.LinkedHashMap<>();
        for (UUID id : batch) {
            UsageTracker.Pending p = usage.pending(id, step, networkRefresh, now);
            if (p != null && p.usage() != null) {
                changed.put(id, p);
            }
        }
        if (changed.isEmpty()) {
            return Uni.createFrom().item(0); // within the step and the same addresses: no transaction at all
        }
        List<NetworkSightings.Seen> seen = new ArrayList<>();
        List<UUID> told = new ArrayList<>();
        changed.forEach((id, p) -> {
            if (!p.networksDue()) {
                return; // the same addresses as the database was told of within the refresh: nothing to check
            }
            told.add(id);
            for (UsageTracker.Seen s : p.usage().recent()) {
                // only what PostgreSQL's inet takes (no brackets, no zone): one bad cast would fail the whole batch
                if (s.ip().indexOf('[') < 0 && Cidr.parseAddress(s.ip()).isPresent()) {
                    seen.add(new NetworkSightings.Seen(id, s.ip(), s.at()));
                }
            }
        });
        // the server stops a statement the client gave up on, rather than go on working for nobody
        return pool.withTransaction(conn -> conn.query(STATEMENT_TIMEOUT)
                        .execute()
                        .chain(() -> notices.seen(conn, seen, networkRefresh))
                        .chain(added -> upsert(conn, changed, added)))
                .ifNoItem()
                .after(BATCH_TIMEOUT)
                .fail()
                .invoke(() -> told.forEach(id -> changed.get(id).networksTold(now)));
    }

    /** Writes the due ones of {@code changed} (see {@link #UPSERT}); how many rows it wrote. */
    private Uni<Integer> upsert(SqlConnection conn, Map<UUID, UsageTracker.Pending> changed, Set<UUID> added) {
        List<UUID> ids = new ArrayList<>();
        List<OffsetDateTime> ats = new ArrayList<>();
        List<String> ips = new ArrayList<>();
        List<String> recents = new ArrayList<>();
        changed.forEach((id, p) -> {
            if (p.due() || added.contains(id)) {
                UsageTracker.Usage u = p.usage();
                ids.add(id);
                ats.add(OffsetDateTime.ofInstant(u.lastUsedAt(), ZoneOffset.UTC));
                ips.add(u.lastUsedIp());
                // a text[] per token inside one text[] parameter: its PostgreSQL literal
                recents.add(arrayLiteral(StateRows.recent(u.recent())));
            }
        });
        if (ids.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return conn.preparedQuery(UPSERT)
                .execute(Tuple.from(new Object[] {
                    ids.toArray(UUID[]::new),
                    ats.toArray(OffsetDateTime[]::new),
                    ips.toArray(String[]::new),
                    recents.toArray(String[]::new),
                    (double) step.toMillis() / 1000,
                    added.toArray(UUID[]::new)
                }))
                .map(rows -> {
                    Set<UUID> answered = new java.util.HashSet<>();
                    int notWritten = 0;
                    for (Row row : rows) {
                        UUID id = row.getUUID("token_id");
                        OffsetDateTime at = row.getOffsetDateTime("stored");
                        changed.get(id).stored(at == null ? null : at.toInstant());
                        answered.add(id);
                        notWritten += row.getBoolean("wrote") ? 0 : 1;
                    }
                    for (UUID id : ids) {
                        if (!answered.contains(id)) {
                            UsageTracker.Pending p = changed.get(id);
                            p.stored(p.usage().lastUsedAt()); // written as sent
                        }
                    }
                    return ids.size() - notWritten;
                });
    }

    /** {@code entries} as a PostgreSQL array literal, every element quoted. */
    static String arrayLiteral(String[] entries) {
        StringBuilder out = new StringBuilder("{");
        for (String e : entries) {
            out.append(out.length() > 1 ? "," : "")
                    .append('"')
                    .append(e.replace("\\", "\\\\").replace("\"", "\\\""))
                    .append('"');
        }
        return out.append('}').toString();
    }

    void onStop(@Observes @Priority(1) ShutdownEvent event) {
        try {
            flush().await().atMost(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            LOG.warnf("Last-used data of %d tokens was not written at shutdown: %s", usage.pending(), e.toString());
        }
    }
}
