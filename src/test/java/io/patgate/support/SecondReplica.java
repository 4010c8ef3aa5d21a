package io.patgate.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A second replica for an integration test: the same build as the application Quarkus launched for the test (the
 * native executable when that was built last, else the jar), on ports of its own, sharing the test's PostgreSQL.
 * It is ready when {@link #start} returns; {@link #close} stops it. Its output goes to {@code target/<name>.log}.
 */
public final class SecondReplica implements AutoCloseable {

    private final Process process;
    public final int port;

    private SecondReplica(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts a replica on {@code port} (and {@code managementPort}) with {@code overrides} on top of the test profile. */
    public static SecondReplica start(String name, int port, int managementPort, Map<String, String> overrides)
            throws Exception {
        String database = System.getProperty(EmbeddedPostgresResource.PORT);
        Map<String, String> config = new HashMap<>(overrides);
        config.put("quarkus.http.port", String.valueOf(port));
        config.put("quarkus.management.port", String.valueOf(managementPort));
        config.put("quarkus.datasource.reactive.url", "postgresql://localhost:" + database + "/postgres");
        config.put("quarkus.datasource.jdbc.url", "jdbc:postgresql://localhost:" + database + "/postgres");
        config.put("quarkus.datasource.username", "postgres");
        config.put("quarkus.datasource.password", "postgres");
        List<String> properties = new ArrayList<>(List.of("-Dquarkus.profile=test"));
        config.forEach((key, value) -> {
            // both spellings: a %test value in application.properties must not win over what is given here
            properties.add("-D" + key + "=" + value);
            properties.add("-D%test." + key + "=" + value);
        });
        Path log = Path.of("target", name + ".log");
        Process process = new ProcessBuilder(launcher(properties))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        SecondReplica replica = new SecondReplica(process, port);
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (true) {
            try {
                HttpResponse<Void> ready = client.send(
                        HttpRequest.newBuilder(URI.create("http://localhost:" + managementPort + "/q/health/ready"))
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (ready.statusCode() == 200) {
                    return replica;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (!process.isAlive() || System.nanoTime() > deadline) {
                replica.close();
                throw new AssertionError("the second replica did not become ready; see " + log.toAbsolutePath());
            }
            Thread.sleep(250);
        }
    }

    private static List<String> launcher(List<String> properties) {
        Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar");
        Path executable = Path.of(System.getProperty("native.image.path", "target/none"));
        List<String> command = new ArrayList<>();
        try {
            boolean nativeIsNewer = Files.isExecutable(executable)
                    && (!Files.exists(jar)
                            || Files.getLastModifiedTime(executable).compareTo(Files.getLastModifiedTime(jar)) > 0);
            if (nativeIsNewer) {
                command.add(executable.toAbsolutePath().toString());
                command.addAll(properties);
                return command;
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(properties);
        command.addAll(List.of("-jar", jar.toAbsolutePath().toString()));
        return command;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
