package io.patgate.store;

import io.patgate.config.PatgateConfig;
import io.patgate.domain.AuditAction;
import io.patgate.domain.NoticeEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The networks tokens are used from, found in the usage data: remembered (capped per token) and, when new to a token,
 * told by a notice (capped per account).
 */
@ApplicationScoped
public class NetworkSightings {

    private static final String NEW_ADDRESS = NoticeEvent.NEW_ADDRESS.wire();
    private static final Duration ROUTINE_WINDOW = Duration.ofHours(1);

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(NetworkSightings.class);

    private final AuditEventRepository audit;
    private final int routineLimit;
    private final int maxNetworks;

    public NetworkSightings(AuditEventRepository audit, PatgateConfig config) {
        this.audit = audit;
        this.routineLimit = config.notices().routinePerUserPerHour();
        this.maxNetworks = Math.max(1, config.notices().maxNetworksPerToken());
    }

    /** A token seen from an address (a valid IP literal) at an instant. */
    public record Seen(UUID tokenId, String address, Instant at) {}

    /**
     * Remembers the networks (an IPv4 address, an IPv6 /64) tokens were used from, on the usage writer's connection and
     * transaction, and raises {@code token.used-from-new-address} for each network that is new to a token that already
     * had others (the first networks a token is used from are its baseline). The primary key makes it once per network,
     * whichever replica saw it first. Bounded both ways: a token keeps its {@code patgate.notices.max-networks-per-token}
     * networks seen most recently (the others are forgotten), and an account gets at most
     * {@code patgate.notices.routine-per-user-per-hour} of these notices an hour (beyond it they are dropped, with one
     * audit event {@code notice.limited}), so a token used from ever new IPv6 networks grows neither table without end.
     * A known network's {@code last_seen} is only rewritten once it is {@code refresh} old (it orders the cap, nothing
     * finer), so a round of known networks writes nothing; except for a token at its cap, whose order decides which
     * network goes next (a network in use must not be the one forgotten). The tokens that got a network they did not have.
     */
    Uni<Set<UUID>> seen(SqlConnection conn, List<Seen> seen, Duration refresh) {
        if (seen.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        UUID[] tokens = seen.stream().map(Seen::tokenId).toArray(UUID[]::new);
        String[] addresses = seen.stream().map(Seen::address).toArray(String[]::new);
        OffsetDateTime[] ats = seen.stream()
                .map(s -> OffsetDateTime.ofInstant(s.at(), ZoneOffset.UTC))
                .toArray(OffsetDateTime[]::new);
        // one snapshot: `known` is what each token had before this statement; networks as patgate_network (V11) writes
        // them
        return conn.preparedQuery(
                        "with seen as (select token_id, patgate_network(address) as network, host(address::inet) as address, at"
                                + " from unnest($1::uuid[], $2::text[], $3::timestamptz[]) as s(token_id, address, at)),"
                                + " grouped as (select token_id, network, min(at) as first_at, max(at) as last_at,"
                                + " (array_agg(address order by at))[1] as first_address from seen group by token_id, network),"
                                + " refreshed as (update token_network n set last_seen = greatest(n.last_seen, g.last_at) from grouped g"
                                + " where n.token_id = g.token_id and n.network = g.network and (n.last_seen <= g.last_at - make_interval(secs => $4)"
                                // a token at its cap orders its networks exactly: a network in use, refreshed late,
                                // could be the one forgotten
                                // next, and its next use would then be told as new
                                + " or (select count(*) from token_network c where c.token_id = n.token_id) >= $5)),"
                                + " added as (insert into token_network (token_id, network, first_seen, last_seen)"
                                + " select g.token_id, g.network, g.first_at, g.last_at from grouped g join access_token t on t.id = g.token_id"
                                + " where not exists (select 1 from token_network k where k.token_id = g.token_id and k.network = g.network)"
                                + " on conflict do nothing returning token_id, network, first_seen)"
                                // the address each new network was first seen from, from its group (a look-up in
                                // `seen` per row would scan it: quadratic in the round)
                                + " select a.token_id, t.user_id, a.network, a.first_seen, g.first_address as address,"
                                + " exists (select 1 from token_network known where known.token_id = a.token_id and known.network <> a.network) as told"
                                + " from added a join access_token t on t.id = a.token_id"
                                + " join grouped g on g.token_id = a.token_id and g.network = a.network"
                                + " order by a.first_seen")
                .execute(Tuple.of(tokens, addresses, ats, (double) refresh.toMillis() / 1000, maxNetworks))
                .chain(rows -> {
                    Set<UUID> added = new java.util.HashSet<>();
                    Map<UUID, List<Row>> byUser = new LinkedHashMap<>();
                    for (Row row : rows) {
                        added.add(row.getUUID("token_id"));
                        if (row.getBoolean("told")) {
                            byUser.computeIfAbsent(row.getUUID("user_id"), u -> new ArrayList<>())
                                    .add(row);
                        }
                    }
                    return raiseNewAddresses(conn, byUser).replaceWith(added);
                })
                // only a token that got a network can be past the cap: the others cost no statement
                .call(added -> added.isEmpty()
                        ? Uni.createFrom().voidItem()
                        : conn.preparedQuery("delete from token_network n using (select token_id, network,"
                                        + " row_number() over (partition by token_id order by last_seen desc, first_seen desc) as rank"
                                        + " from token_network where token_id = any($1)) r"
                                        + " where n.token_id = r.token_id and n.network = r.network and r.rank > $2")
                                .execute(Tuple.of(added.toArray(UUID[]::new), maxNetworks)));
    }

    /** The notices of new networks that each account's limit allows, the first ones first; the number raised. */
    private Uni<Integer> raiseNewAddresses(SqlConnection conn, Map<UUID, List<Row>> byUser) {
        Uni<List<Row>> allowed = Uni.createFrom().item(new ArrayList<>());
        for (Map.Entry<UUID, List<Row>> user : byUser.entrySet()) {
            int n = user.getValue().size();
            allowed = allowed.chain(list -> SendLimit.count(
                            conn, SendLimit.NOTICE + NEW_ADDRESS, user.getKey().toString(), n, ROUTINE_WINDOW)
                    .chain(count -> {
                        int before = count.used() - n;
                        int room = Math.max(0, Math.min(n, routineLimit - before));
                        list.addAll(user.getValue().subList(0, room));
                        if (room == n || before > routineLimit) {
                            return Uni.createFrom().item(list); // within the limit, or already told it was reached
                        }
                        LOG.warnf(
                                "Account %s had more than %d %s notices within an hour; further ones are dropped for %d s",
                                user.getKey(), routineLimit, NEW_ADDRESS, count.resetsIn());
                        return audit.append(
                                        conn,
                                        new AuditEntry(
                                                Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS),
                                                "system",
                                                AuditAction.NOTICE_LIMITED.wire(),
                                                user.getKey(),
                                                null,
                                                null,
                                                null,
                                                "more than " + routineLimit + " " + NEW_ADDRESS
                                                        + " notices within an hour: further ones are not raised for "
                                                        + count.resetsIn() + " s"))
                                .replaceWith(list);
                    }));
        }
        return allowed.chain(list -> {
            if (list.isEmpty()) {
                return Uni.createFrom().item(0);
            }
            return conn.preparedQuery(
                            "insert into notice (id, event, at, token_id, user_id, detail)"
                                    + " select gen_random_uuid(), '" + NEW_ADDRESS + "', x.at, x.token_id, x.user_id,"
                                    + " json_build_object('address', x.address, 'network', x.network)::text"
                                    + " from unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::text[], $5::text[]) as x(token_id, user_id, at, address, network)")
                    .execute(Tuple.of(
                            list.stream().map(r -> r.getUUID("token_id")).toArray(UUID[]::new),
                            list.stream().map(r -> r.getUUID("user_id")).toArray(UUID[]::new),
                            list.stream()
                                    .map(r -> r.getOffsetDateTime("first_seen"))
                                    .toArray(OffsetDateTime[]::new),
                            list.stream().map(r -> r.getString("address")).toArray(String[]::new),
                            list.stream().map(r -> r.getString("network")).toArray(String[]::new)))
                    .map(r -> r.rowCount());
        });
    }
}
