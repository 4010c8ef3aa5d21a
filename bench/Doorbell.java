import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.postgresql.PGProperty;
import org.postgresql.replication.PGReplicationStream;

/**
 * The two doorbells side by side, rung by the same commits: NOTIFY heard by a LISTEN-ing connection (the feed before V18)
 * and the commit message of a temporary pgoutput slot (the feed since). For each of N single-row updates, the time
 * from the COMMIT returning to each bell, on this machine's one clock. Run by bench/doorbell.sh.
 *
 *   java -cp postgresql.jar bench/Doorbell.java jdbc:postgresql://localhost:PORT/postgres USER N
 */
public class Doorbell {
    public static void main(String[] args) throws Exception {
        String url = args[0];
        int n = Integer.parseInt(args[2]);
        Properties plain = new Properties();
        plain.setProperty("user", args[1]);
        try (Connection writer = DriverManager.getConnection(url, plain);
                Connection listener = DriverManager.getConnection(url, plain)) {
            try (Statement s = listener.createStatement()) {
                s.execute("listen patgate_changes");
            }
            Properties replication = new Properties();
            replication.putAll(plain);
            PGProperty.REPLICATION.set(replication, "database");
            PGProperty.ASSUME_MIN_SERVER_VERSION.set(replication, "10");
            PGProperty.PREFER_QUERY_MODE.set(replication, "simple");
            try (Connection slotConnection = DriverManager.getConnection(url, replication)) {
                PGConnection pg = slotConnection.unwrap(PGConnection.class);
                pg.getReplicationAPI()
                        .createReplicationSlot()
                        .logical()
                        .withSlotName("doorbell_bench")
                        .withOutputPlugin("pgoutput")
                        .withTemporaryOption()
                        .make();
                PGReplicationStream stream = pg.getReplicationAPI()
                        .replicationStream()
                        .logical()
                        .withSlotName("doorbell_bench")
                        .withSlotOption("proto_version", 1)
                        .withSlotOption("publication_names", "patgate_feed")
                        .withStatusInterval(1, TimeUnit.SECONDS)
                        .start();
                long[] notify = new long[n];
                long[] logical = new long[n];
                PGConnection listening = listener.unwrap(PGConnection.class);
                for (int i = 0; i < n; i++) {
                    try (Statement s = writer.createStatement()) {
                        s.execute("update t set v = v + 1 where id = " + (1 + i % 100));
                    }
                    long committed = System.nanoTime();
                    // each bell on its own thread, so that neither waits behind the other
                    long[] heardLogical = new long[1];
                    Thread slot = new Thread(() -> {
                        try {
                            while (true) {
                                ByteBuffer m = stream.read();
                                if (m.get(m.position()) == 'C') {
                                    heardLogical[0] = System.nanoTime();
                                    stream.setAppliedLSN(stream.getLastReceiveLSN());
                                    stream.setFlushedLSN(stream.getLastReceiveLSN());
                                    return;
                                }
                            }
                        } catch (Exception e) {
                            throw new RuntimeException(e);
                        }
                    });
                    slot.start();
                    PGNotification[] heard = listening.getNotifications(5000);
                    long heardNotify = System.nanoTime();
                    if (heard == null || heard.length == 0) {
                        throw new IllegalStateException("no notification");
                    }
                    slot.join(5000);
                    notify[i] = heardNotify - committed;
                    logical[i] = heardLogical[0] - committed;
                }
                report("NOTIFY/LISTEN (before V18)", notify);
                report("pgoutput slot  (since V18)", logical);
            }
        }
    }

    private static void report(String what, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        System.out.printf(
                "%s: p50 %.2f ms, p99 %.2f ms, max %.2f ms over %d commits%n",
                what,
                sorted[sorted.length / 2] / 1e6,
                sorted[(int) Math.ceil(sorted.length * 0.99) - 1] / 1e6,
                sorted[sorted.length - 1] / 1e6,
                sorted.length);
    }
}
