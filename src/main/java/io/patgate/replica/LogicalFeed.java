package io.patgate.replica;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;
import org.postgresql.Driver;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.PGReplicationStream;

/**
 * The doorbell of the change feed: PostgreSQL's logical replication of the publication {@code patgate_feed} (V18)
 * through a temporary {@code pgoutput} slot of this replica's own. Every commit that changed a published row rings
 * it once, with the commit's time on the primary's clock; what changed is then read by the usual round
 * ({@link IdentityStateLoader#applyChangesSince}), so the messages' contents are not parsed beyond their kind.
 *
 * <p>{@link #open()} checks the primary's settings, makes the slot and starts streaming, or fails at once with a
 * message that names the setting to change. {@link #start()} then reads on a thread of its own (the replication
 * protocol blocks), acknowledges each commit so the primary can recycle its WAL, and reconnects with backoff after a
 * drop (a new slot: the old one went with its connection, so what was committed meanwhile is caught up by a full
 * reload, see {@link Listener#opened}).
 */
public final class LogicalFeed {

    public static final String PUBLICATION = "patgate_feed";
    private static final Logger LOG = Logger.getLogger(LogicalFeed.class);
    /** Microseconds from the Unix epoch to PostgreSQL's (2000-01-01 UTC). */
    private static final long PG_EPOCH_MICROS = 946_684_800_000_000L;

    /** What the feed tells its owner; called on the feed's thread. */
    public interface Listener {
        /** The stream is (again) established; {@code again} is false the first time. */
        void opened(boolean again);

        /**
         * A transaction that changed a published row committed at {@code epochMicros} (the primary's clock); its commit
         * record ends at WAL position {@code endLsn}, which a standby must have replayed to show the change.
         */
        void committed(long epochMicros, long endLsn);
    }

    private final String jdbcUrl;
    private final Properties credentials;
    private final Listener listener;
    private final String slot = "patgate_" + HexFormat.of().formatHex(randomBytes());

    private volatile boolean stopped;
    private volatile Connection connection;
    private volatile PGReplicationStream stream;
    private Thread reader;

    public LogicalFeed(String jdbcUrl, String user, String password, Listener listener) {
        this.jdbcUrl = jdbcUrl;
        this.credentials = new Properties();
        if (user != null) {
            credentials.setProperty("user", user);
        }
        if (password != null) {
            credentials.setProperty("password", password);
        }
        this.listener = listener;
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[6];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    /**
     * Checks that the primary can feed this replica, then makes the slot and starts the stream.
     *
     * @throws IllegalStateException naming the setting to change, when the primary cannot feed replicas as it is set
     * @throws SQLException when the primary could not be reached or answered otherwise
     */
    public void open() throws SQLException {
        checkPrerequisites();
        connect();
    }

    /** Reads the stream on a thread of its own until {@link #stop()}, reconnecting after a drop. */
    public synchronized void start() {
        if (reader != null) {
            return;
        }
        reader = new Thread(this::run, "patgate-change-feed");
        reader.setDaemon(true);
        reader.start();
    }

    /** Ends the stream; the temporary slot is dropped with its connection. */
    public void stop() {
        stopped = true;
        closeQuietly();
        Thread thread = reader;
        if (thread != null) {
            thread.interrupt();
        }
    }

    /** The settings the feed needs, read over an ordinary connection: each refusal names what to set. */
    void checkPrerequisites() throws SQLException {
        try (Connection plain = new Driver().connect(jdbcUrl, credentials);
                Statement statement = plain.createStatement()) {
            String walLevel = single(statement, "show wal_level");
            if (!"logical".equals(walLevel)) {
                throw new IllegalStateException(
                        "the change feed needs wal_level=logical on the PostgreSQL primary, and it is "
                                + walLevel
                                + ". Set wal_level=logical and restart PostgreSQL (Amazon RDS/Aurora: parameter rds.logical_replication=1;"
                                + " Cloud SQL: flag cloudsql.logical_decoding=on; Azure Database for PostgreSQL: server parameter wal_level=logical)."
                                + " See docs/scale-out.md");
            }
            if (!"t"
                    .equals(
                            single(
                                    statement,
                                    "select (r.rolreplication or r.rolsuper or exists (select 1 from pg_roles g where g.rolname = 'rds_replication'"
                                            + " and pg_has_role(current_user, g.oid, 'member')))::text::char from pg_roles r where r.rolname = current_user"))) {
                throw new IllegalStateException(
                        "the change feed needs a database role with the REPLICATION attribute, and "
                                + single(statement, "select current_user")
                                + " has not got it: ALTER ROLE ... WITH REPLICATION"
                                + " (Amazon RDS/Aurora: GRANT rds_replication; Cloud SQL: ALTER USER ... WITH REPLICATION; Azure: ALTER ROLE ... WITH REPLICATION)."
                                + " See docs/scale-out.md");
            }
            if (!"1"
                    .equals(single(
                            statement,
                            "select count(*)::text from pg_publication where pubname = '" + PUBLICATION + "'"))) {
                throw new IllegalStateException(
                        "the publication " + PUBLICATION + " is missing: it is made by the schema migration V18");
            }
        }
    }

    private static String single(Statement statement, String sql) throws SQLException {
        try (ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getString(1);
        }
    }

    private void connect() throws SQLException {
        Properties properties = new Properties();
        properties.putAll(credentials);
        PGProperty.REPLICATION.set(properties, "database");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(properties, "10");
        PGProperty.PREFER_QUERY_MODE.set(properties, "simple");
        // heartbeats commit about once a second and the server's keep-alives come at least every wal_sender_timeout/2:
        // a socket silent for this long is a primary that froze or a network that dropped us without a word
        PGProperty.SOCKET_TIMEOUT.set(properties, "30");
        PGProperty.CONNECT_TIMEOUT.set(properties, "5");
        Connection opened = new Driver().connect(jdbcUrl, properties);
        try {
            PGConnection pg = opened.unwrap(PGConnection.class);
            pg.getReplicationAPI()
                    .createReplicationSlot()
                    .logical()
                    .withSlotName(slot)
                    .withOutputPlugin("pgoutput")
                    .withTemporaryOption()
                    .make();
            stream = pg.getReplicationAPI()
                    .replicationStream()
                    .logical()
                    .withSlotName(slot)
                    .withSlotOption("proto_version", 1)
                    .withSlotOption("publication_names", PUBLICATION)
                    .withStatusInterval(1, TimeUnit.SECONDS)
                    .start();
            connection = opened;
        } catch (SQLException e) {
            opened.close();
            throw refusal(e);
        }
    }

    /** The primary's refusals that a retry will not cure, turned into messages naming the setting. */
    private static SQLException refusal(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String message = String.valueOf(e.getMessage());
        if ("53400".equals(state) || message.contains("replication slots")) {
            throw new IllegalStateException(
                    "the PostgreSQL primary has no free replication slot for this replica (" + message
                            + "): raise max_replication_slots to at least the number of patgate replicas plus what else uses slots. See docs/scale-out.md",
                    e);
        }
        if ("53300".equals(state) || message.contains("max_wal_senders")) {
            throw new IllegalStateException(
                    "the PostgreSQL primary has no free WAL sender for this replica (" + message
                            + "): raise max_wal_senders to at least the number of patgate replicas plus the standbys. See docs/scale-out.md",
                    e);
        }
        if ("42501".equals(state)) {
            throw new IllegalStateException(
                    "the PostgreSQL primary refused this role a replication connection (" + message
                            + "): the role needs the REPLICATION attribute and pg_hba.conf must allow it. See docs/scale-out.md",
                    e);
        }
        return e;
    }

    private void run() {
        long backoff = 250;
        boolean again = false;
        while (!stopped) {
            try {
                if (stream == null) {
                    connect();
                    LOG.info("Change feed re-established (slot " + slot + ")");
                }
                backoff = 250;
                listener.opened(again);
                again = true;
                read();
            } catch (SQLException | RuntimeException e) {
                if (stopped) {
                    return;
                }
                LOG.warnf("Change feed interrupted (%s); reconnecting in %d ms", e.toString(), backoff);
                closeQuietly();
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException interrupted) {
                    return;
                }
                backoff = Math.min(backoff * 2, 5000);
            }
        }
    }

    private void read() throws SQLException {
        PGReplicationStream current = stream;
        boolean changed = false;
        while (!stopped) {
            ByteBuffer message = current.read();
            if (message == null) {
                continue;
            }
            int at = message.position();
            byte type = message.get(at);
            if (type == 'B') {
                changed = false;
            } else if (type == 'I' || type == 'U' || type == 'D' || type == 'T') {
                changed = true;
            } else if (type == 'C' && message.remaining() >= 26) {
                // pgoutput's Commit: 'C', flags (int8), commit LSN (int64), end LSN (int64), commit time (int64, µs
                // since 2000). Only a transaction that changed a published table rings: before PostgreSQL 15, pgoutput
                // also sends the begin and commit of every other transaction (an audit row, a usage write), and a
                // round for each would tie every replica's rounds to the primary's write rate.
                if (changed) {
                    listener.committed(message.getLong(at + 18) + PG_EPOCH_MICROS, message.getLong(at + 10));
                }
                changed = false;
                current.setAppliedLSN(current.getLastReceiveLSN());
                current.setFlushedLSN(current.getLastReceiveLSN());
            }
        }
    }

    private void closeQuietly() {
        PGReplicationStream s = stream;
        stream = null;
        Connection c = connection;
        connection = null;
        try {
            if (s != null) {
                s.close();
            }
        } catch (SQLException | RuntimeException ignored) {
            // the connection goes next
        }
        try {
            if (c != null) {
                c.close();
            }
        } catch (SQLException | RuntimeException ignored) {
            // already gone
        }
    }
}
