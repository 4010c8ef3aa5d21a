package io.patgate.replica;

import io.patgate.identity.IdentityState;
import io.patgate.identity.TrustLookup;
import io.patgate.identity.TrustState;
import io.patgate.identity.WorkloadTrust;
import io.patgate.store.StateRows;
import io.patgate.store.TrustRows;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * An issuer's trust entries and their accounts read from the primary (never a standby: the point is a change made a
 * moment ago), for an exchange this replica's memory would refuse. The change feed brings the same rows a moment
 * later; taking them now only moves that moment forward, under the same rules as a token read cold.
 */
@ApplicationScoped
public class TrustReads implements TrustLookup {

    private static final Logger LOG = Logger.getLogger(TrustReads.class);
    private static final String TRUSTS = "select " + TrustRows.COLUMNS
            + " from service_account_trust where issuer = $1 and removed_at is null order by created_at, id limit 1000";
    private static final String ACCOUNTS = IdentityStateLoader.LIVE_USERS
            + " and id in (select account_id from service_account_trust where issuer = $1 and removed_at is null)";

    private final ReadPool pools;
    private final IdentityState accounts;
    private final TrustState trusts;

    public TrustReads(ReadPool pools, IdentityState accounts, TrustState trusts) {
        this.pools = pools;
        this.accounts = accounts;
        this.trusts = trusts;
    }

    @Override
    public Uni<Integer> readIssuer(String issuer) {
        return Uni.createFrom().deferred(() -> {
            long accountsGeneration = accounts.generation();
            long trustsGeneration = trusts.generation();
            Tuple args = Tuple.of(issuer);
            return pools.primary()
                    .withTransaction(conn -> conn.preparedQuery(ACCOUNTS)
                            .execute(args)
                            .chain(users -> conn.preparedQuery(TRUSTS)
                                    .execute(args)
                                    .map(rows -> {
                                        // the accounts first: an entry is usable only once its account is known enabled
                                        for (Row row : users) {
                                            accounts.putUserIfAbsent(StateRows.user(row), accountsGeneration);
                                        }
                                        List<WorkloadTrust> read = new ArrayList<>(rows.size());
                                        for (Row row : rows) {
                                            read.add(TrustRows.state(row));
                                        }
                                        boolean taken = trusts.applyRead(read, trustsGeneration);
                                        LOG.debugf(
                                                "Read %d trust entries of an issuer from the primary (%s)",
                                                read.size(), taken ? "taken" : "a reload ran meanwhile: left");
                                        return read.size();
                                    })));
        });
    }
}
