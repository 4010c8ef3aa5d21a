package io.patgate.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Freezes and thaws the embedded PostgreSQL under a running service (SIGSTOP/SIGCONT on the postmaster
 * and its backends): while frozen, anything that touches the database hangs, so a request that answers
 * proves it did not. The server is {@link EmbeddedPostgresResource}'s, found through the system properties it sets.
 */
public final class Postgres {

    private Postgres() {}

    /** The single number {@code sql} answers (a {@code count(*)}), through the service's own pool. */
    public static long count(io.vertx.mutiny.sqlclient.Pool pool, String sql, Object... args) {
        return pool.preparedQuery(sql)
                .execute(io.vertx.mutiny.sqlclient.Tuple.from(args))
                .await()
                .atMost(java.time.Duration.ofSeconds(10))
                .iterator()
                .next()
                .getLong(0);
    }

    /** A plain JDBC connection to the embedded server's database, as its superuser: for what a test does beside patgate. */
    public static java.sql.Connection connect() throws java.sql.SQLException {
        return java.sql.DriverManager.getConnection(
                "jdbc:postgresql://localhost:" + System.getProperty(EmbeddedPostgresResource.PORT) + "/postgres",
                "postgres",
                "postgres");
    }

    public static void freeze() {
        signal("-STOP");
    }

    public static void thaw() {
        signal("-CONT");
    }

    /** Stops the server (fast shutdown): connections are refused until {@link #start()}. */
    public static void stop() {
        try {
            long pid = postmaster();
            ProcessHandle handle = ProcessHandle.of(pid).orElseThrow();
            run("kill", "-INT", Long.toString(pid));
            handle.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Could not stop the embedded PostgreSQL", e);
        }
    }

    /** Starts the server again on the same port and data, the way zonky does as root (in a user namespace). */
    public static void start() {
        String port = System.getProperty(EmbeddedPostgresResource.PORT);
        String dataDir = System.getProperty(EmbeddedPostgresResource.DATA_DIR);
        String pgCtl = System.getProperty(EmbeddedPostgresResource.PG_CTL);
        List<String> command = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            command.addAll(List.of("unshare", "-U"));
        }
        command.addAll(List.of(
                pgCtl,
                "-D",
                dataDir,
                "-o",
                "-p " + port
                        + " -F -c fsync=off -c synchronous_commit=off -c max_connections=200 -c wal_level=logical -c max_replication_slots=32 -c max_wal_senders=32",
                "-l",
                Path.of(dataDir).getParent().resolve("restart-" + port + ".log").toString(),
                "-w",
                "-t",
                "60",
                "start"));
        try {
            run(command.toArray(String[]::new));
        } catch (Exception e) {
            throw new IllegalStateException("Could not start the embedded PostgreSQL", e);
        }
    }

    private static long postmaster() throws java.io.IOException {
        String dataDir = System.getProperty(EmbeddedPostgresResource.DATA_DIR);
        return Long.parseLong(
                Files.readAllLines(Path.of(dataDir, "postmaster.pid")).get(0).trim());
    }

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).inheritIO().start();
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed");
        }
    }

    private static void signal(String signal) {
        try {
            String dataDir = System.getProperty(EmbeddedPostgresResource.DATA_DIR);
            long pid = Long.parseLong(Files.readAllLines(Path.of(dataDir, "postmaster.pid"))
                    .get(0)
                    .trim());
            List<String> command = new ArrayList<>(List.of("kill", signal, Long.toString(pid)));
            ProcessHandle.of(pid).orElseThrow().descendants().forEach(p -> command.add(Long.toString(p.pid())));
            Process kill = new ProcessBuilder(command).inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill " + signal + " failed");
            }
        } catch (Exception e) {
            throw new IllegalStateException("Could not signal the embedded PostgreSQL", e);
        }
    }
}
