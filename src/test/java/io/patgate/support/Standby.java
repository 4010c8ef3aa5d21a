package io.patgate.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A hot standby of the test's PostgreSQL ({@link EmbeddedPostgresResource}), streaming from it: a copy of its data
 * directory taken between {@code pg_backup_start} and {@code pg_backup_stop} (the zonky bundle has no
 * {@code pg_basebackup}), with {@code standby.signal}, {@code primary_conninfo} and a physical slot that keeps the
 * WAL it needs. {@link #pauseReplay()} stands for a standby that fell behind or stopped: it still answers, with
 * what it had.
 */
public final class Standby implements AutoCloseable {

    public final int port;
    private final Path data;
    private final String slot;

    private Standby(int port, Path data, String slot) {
        this.port = port;
        this.data = data;
        this.slot = slot;
    }

    /** Makes and starts a standby on {@code port}; returns when it accepts read-only queries. */
    public static Standby start(String name, int port) throws Exception {
        Path primaryData = Path.of(System.getProperty(EmbeddedPostgresResource.DATA_DIR));
        Path data = primaryData.getParent().resolve("standby-" + name);
        String slot = "standby_" + name.replaceAll("[^a-z0-9]", "_");
        deleteTree(data);
        try (Connection primary = primary();
                Statement sql = primary.createStatement()) {
            sql.execute("select pg_create_physical_replication_slot('" + slot + "', true)");
            sql.execute("select pg_backup_start('" + slot + "', true)");
            copy(primaryData, data);
            try (ResultSet stop = sql.executeQuery("select labelfile from pg_backup_stop(true)")) {
                stop.next();
                Files.writeString(data.resolve("backup_label"), stop.getString(1));
            }
        }
        Files.writeString(data.resolve("standby.signal"), "");
        Files.writeString(
                data.resolve("postgresql.auto.conf"),
                "primary_conninfo = 'host=localhost port="
                        + System.getProperty(EmbeddedPostgresResource.PORT) + " user=postgres password=postgres'\n"
                        + "primary_slot_name = '" + slot + "'\nhot_standby = on\n",
                java.nio.file.StandardOpenOption.APPEND);
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
        List<String> command = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            command.addAll(List.of("unshare", "-U"));
        }
        command.addAll(List.of(
                System.getProperty(EmbeddedPostgresResource.PG_CTL),
                "-D",
                data.toString(),
                "-o",
                // a hot standby needs at least the primary's max_connections and max_wal_senders
                // (EmbeddedPostgresResource's)
                "-p " + port
                        + " -F -c max_connections=200 -c wal_level=logical -c max_wal_senders=32 -c max_replication_slots=32",
                "-l",
                Path.of("target", "standby-" + name + ".log").toAbsolutePath().toString(),
                "-w",
                "-t",
                "60",
                "start"));
        run(command);
        Standby standby = new Standby(port, data, slot);
        Eventually.eventually(java.time.Duration.ofSeconds(30), () -> standby.query("select 1"));
        return standby;
    }

    /** The reactive URL patgate's {@code patgate.datasource.read-url} takes. */
    public String url() {
        return "postgresql://localhost:" + port + "/postgres";
    }

    /** The standby stops applying what the primary sends; it keeps answering with what it had. */
    public void pauseReplay() {
        query("select pg_wal_replay_pause()");
    }

    public void resumeReplay() {
        query("select pg_wal_replay_resume()");
    }

    /** Promotes the standby (as a fail-over would): a primary from then on, which went through recovery. */
    public void promote() {
        query("select pg_promote(true, 60)");
    }

    /** A connection to the standby, for a test to query it as patgate does. */
    public Connection connect() throws java.sql.SQLException {
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/postgres", "postgres", "postgres");
    }

    private void query(String statement) {
        try (Connection c = connect();
                Statement s = c.createStatement()) {
            s.execute(statement);
        } catch (Exception e) {
            throw new AssertionError("standby: " + statement + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws Exception {
        List<String> command = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            command.addAll(List.of("unshare", "-U"));
        }
        command.addAll(List.of(
                System.getProperty(EmbeddedPostgresResource.PG_CTL),
                "-D",
                data.toString(),
                "-m",
                "immediate",
                "-w",
                "stop"));
        run(command);
        try (Connection primary = primary();
                Statement sql = primary.createStatement()) {
            sql.execute("select pg_drop_replication_slot('" + slot + "')");
        }
        deleteTree(data);
    }

    private static Connection primary() throws Exception {
        return Postgres.connect();
    }

    /** The data directory without what belongs to the running primary alone (as pg_basebackup leaves it out). */
    private static void copy(Path from, Path to) throws IOException {
        Set<String> emptied = Set.of(
                "pg_wal",
                "pg_replslot",
                "pg_stat_tmp",
                "pg_notify",
                "pg_snapshots",
                "pg_subtrans",
                "pg_dynshmem",
                "pg_serial");
        Set<String> skipped = Set.of("postmaster.pid", "postmaster.opts", "backup_label", "tablespace_map");
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path relative = from.relativize(file);
                Path target = to.resolve(relative.toString());
                boolean underEmptied = relative.getNameCount() > 1
                        && emptied.contains(relative.getName(0).toString());
                if (Files.isDirectory(file)) {
                    // pg_wal keeps its subdirectories; a slot's directory without its state would stop the standby
                    if (!underEmptied || relative.getName(0).toString().equals("pg_wal")) {
                        Files.createDirectories(target);
                    }
                    continue;
                }
                if (relative.getNameCount() > 0
                        && (skipped.contains(relative.toString())
                                || (relative.getNameCount() > 1
                                        && emptied.contains(relative.getName(0).toString())))) {
                    continue;
                }
                try {
                    Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                } catch (java.nio.file.NoSuchFileException gone) {
                    // a temporary file the primary removed meanwhile: the WAL replay puts things right
                }
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    private static void run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).inheritIO().start();
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed");
        }
    }
}
