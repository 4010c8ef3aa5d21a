package io.patgate.dev;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The dev-mode PostgreSQL (see {@link EmbeddedPostgresConfigSourceFactory}, the only caller): one per JVM, its
 * data kept in {@code .devdata/postgres} across restarts. Quarkus reads configuration from several class loaders
 * in one dev JVM (the build, then the application, then each live reload), so the running server is remembered
 * in a system property rather than in a static field. zonky stops it when the JVM exits.
 */
final class EmbeddedPostgresServer {

    /** Shared by every class loader of the dev JVM; outside {@code patgate.*}, which PatgateConfig maps strictly. */
    private static final String PORT = "embedded-postgres.patgate.dev-port";

    private static final Path DEV_DIR = Path.of(".devdata");

    private EmbeddedPostgresServer() {}

    static synchronized Map<String, String> start() {
        String port = System.getProperty(PORT);
        if (port == null) {
            port = Integer.toString(launch());
            System.setProperty(PORT, port);
        }
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

    private static int launch() {
        Path data = DEV_DIR.resolve("postgres").toAbsolutePath();
        try {
            Files.createDirectories(data.getParent());
            stopLeftover(data);
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(data)
                    .setCleanDataDirectory(false)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setServerConfig("max_connections", "200")
                    // the change feed: a logical replication slot and a WAL sender per replica (docs/scale-out.md)
                    .setServerConfig("wal_level", "logical")
                    .setServerConfig("max_replication_slots", "32")
                    .setServerConfig("max_wal_senders", "32")
                    .start();
            System.out.println("patgate: embedded PostgreSQL listening on localhost:" + postgres.getPort()
                    + " (data in " + DEV_DIR.resolve("postgres") + ")");
            return postgres.getPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the embedded PostgreSQL in " + data, e);
        }
    }

    /** A dev JVM that was killed leaves its postmaster running on our data directory: stop it first. */
    private static void stopLeftover(Path data) throws IOException {
        Path pidFile = data.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
        if (!lines.isEmpty()) {
            try {
                long pid = Long.parseLong(lines.get(0).trim());
                ProcessHandle.of(pid)
                        .filter(p -> p.info()
                                .command()
                                .map(c -> c.contains("postgres"))
                                .orElse(false))
                        .ifPresent(p -> {
                            p.destroy(); // SIGTERM: PostgreSQL's "smart" shutdown
                            try {
                                p.onExit().get(20, TimeUnit.SECONDS);
                            } catch (Exception e) {
                                p.destroyForcibly();
                            }
                        });
            } catch (NumberFormatException ignored) {
                // not a pid file we understand: leave it to PostgreSQL
            }
        }
        Files.deleteIfExists(pidFile);
    }

    /** The dev key-encryption secret: made once, kept in {@code .devdata/encryption-secret} with the data it unlocks. */
    static String devSecret() {
        Path file = DEV_DIR.resolve("encryption-secret");
        try {
            if (Files.exists(file)) {
                return Files.readString(file, StandardCharsets.UTF_8).trim();
            }
            byte[] bytes = new byte[32];
            new SecureRandom().nextBytes(bytes);
            String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            Files.createDirectories(file.getParent());
            Files.writeString(file, secret + "\n", StandardCharsets.UTF_8);
            return secret;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not keep the dev encryption secret in " + file, e);
        }
    }
}
