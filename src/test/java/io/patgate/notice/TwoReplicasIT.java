package io.patgate.notice;

import static io.patgate.support.Api.as;
import static io.patgate.support.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.patgate.support.Api;
import io.patgate.support.EmbeddedPostgresResource;
import io.patgate.support.Receiver;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two application instances share one database, as two replicas do: the packaged application Quarkus launches for
 * this test (port 8081) and a second one this test launches from the same build (port 8083). Both scan for
 * time-based notices every second, both poll for deliveries, both take requests. Every notice still reaches the
 * receiver exactly once: revocations raced on both replicas at once, expiry notices both scanners find due, a new
 * address both replicas see in the same second, and deliveries the receiver fails at first (retried by whichever
 * replica takes them next).
 */
@QuarkusIntegrationTest
@TestProfile(TwoReplicasIT.Replica.class)
class TwoReplicasIT {

    /** What both replicas run with: scans every second, usage written every second, the test client as a trusted proxy. */
    public static class Replica implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "patgate.notices.scan-interval",
                    "1S",
                    "patgate.tokens.usage-flush-interval",
                    "1S",
                    "patgate.http.trusted-proxies",
                    "127.0.0.0/8,::1/128");
        }
    }

    private static final int SECOND_PORT = 8083;
    private static final int SECOND_MANAGEMENT_PORT = 9003;
    private static final List<String> ALL_EVENTS = List.of(
            "token.expiring",
            "token.expired",
            "token.revoked",
            "token.used-from-new-address",
            "token.leak-reported",
            "token.retired-unused");

    private static Process second;

    @BeforeAll
    static void startTheSecondReplica() throws Exception {
        String port = System.getProperty(EmbeddedPostgresResource.PORT);
        Map<String, String> config = new HashMap<>(new Replica().getConfigOverrides());
        config.put("quarkus.http.port", String.valueOf(SECOND_PORT));
        config.put("quarkus.management.port", String.valueOf(SECOND_MANAGEMENT_PORT));
        config.put("quarkus.datasource.reactive.url", "postgresql://localhost:" + port + "/postgres");
        config.put("quarkus.datasource.jdbc.url", "jdbc:postgresql://localhost:" + port + "/postgres");
        config.put("quarkus.datasource.username", "postgres");
        config.put("quarkus.datasource.password", "postgres");
        List<String> properties = new ArrayList<>(List.of("-Dquarkus.profile=test"));
        config.forEach((key, value) -> {
            // both spellings: a %test value in application.properties must not win over what is given here
            properties.add("-D" + key + "=" + value);
            properties.add("-D%test." + key + "=" + value);
        });
        Path log = Path.of("target", "second-replica.log");
        second = new ProcessBuilder(launcher(properties))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
            try {
                HttpResponse<Void> ready = client.send(
                        HttpRequest.newBuilder(
                                        URI.create("http://localhost:" + SECOND_MANAGEMENT_PORT + "/q/health/ready"))
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (ready.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (!second.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("the second replica did not become ready; see " + log.toAbsolutePath());
            }
            Thread.sleep(250);
        }
    }

    /**
     * The same build the first replica runs, given these system properties: the native executable when that is what
     * was built last, else the jar.
     */
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

    @AfterAll
    static void stopTheSecondReplica() throws Exception {
        if (second != null) {
            second.destroy();
            if (!second.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                second.destroyForcibly();
            }
        }
    }

    private static Connection database() throws SQLException {
        return DriverManager.getConnection(
                "jdbc:postgresql://localhost:" + System.getProperty(EmbeddedPostgresResource.PORT) + "/postgres",
                "postgres",
                "postgres");
    }

    private static void sql(String statement, List<String> tokenIds) throws SQLException {
        try (Connection db = database();
                PreparedStatement update = db.prepareStatement(statement)) {
            update.setArray(
                    1,
                    db.createArrayOf(
                            "uuid", tokenIds.stream().map(UUID::fromString).toArray()));
            update.executeUpdate();
        }
    }

    /** A request to one replica or the other. */
    private static io.restassured.specification.RequestSpecification at(int port, String bearer) {
        return as(bearer).port(port);
    }

    @Test
    void everyNoticeIsDeliveredExactlyOnceWhateverReplicaRaisesOrSendsIt() throws Exception {
        int first = io.restassured.RestAssured.port;
        try (Receiver receiver = new Receiver()) {
            receiver.thenAnswer(500)
                    .thenAnswer(503)
                    .thenAnswer(500); // the first three attempts fail, whoever makes them
            String admin = Api.adminSession();
            String hookId = as(admin)
                    .contentType(ContentType.JSON)
                    .body(Map.of(
                            "url",
                            receiver.url("/replicas"),
                            "secret",
                            "two-replicas-secret-long-enough",
                            "events",
                            ALL_EVENTS))
                    .post("/api/v1/admin/webhooks")
                    .then()
                    .statusCode(201)
                    .extract()
                    .path("id");
            ExecutorService threads = Executors.newFixedThreadPool(8);
            try {
                Api.TestUser owner = Api.aUser("deploy");
                String session = owner.session();
                List<Api.Issued> revoked = new ArrayList<>();
                List<Api.Issued> expiring = new ArrayList<>();
                List<Api.Issued> expired = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    revoked.add(Api.aToken(session, Map.of("name", "raced-" + i)));
                }
                for (int i = 0; i < 4; i++) {
                    expiring.add(Api.aToken(session, Map.of("name", "nightly-" + i, "expiresInDays", 30)));
                }
                for (int i = 0; i < 2; i++) {
                    expired.add(Api.aToken(session, Map.of("name", "gone-" + i, "expiresInDays", 30)));
                }
                Api.Issued roaming = Api.aToken(session, Map.of("name", "roaming"));
                at(first, roaming.value())
                        .header("X-Forwarded-For", "198.51.100.7")
                        .get("/api/v1/me")
                        .then()
                        .statusCode(200);
                eventually(
                        Duration.ofSeconds(10),
                        () -> assertEquals(
                                1,
                                count("select count(*) from token_network where token_id = '" + roaming.id() + "'")));

                // each revocation at the same moment on both replicas: one of them revokes, the other finds it done
                List<Future<Integer>> answers = new ArrayList<>();
                for (Api.Issued token : revoked) {
                    for (int port : List.of(first, SECOND_PORT)) {
                        answers.add(threads.submit(() -> at(port, session)
                                .delete("/api/v1/tokens/" + token.id())
                                .statusCode()));
                    }
                }
                for (Future<Integer> answer : answers) {
                    assertEquals(204, answer.get());
                }
                // both replicas' scanners find these due (1 day left; already expired)
                sql(
                        "update access_token set issued_at = now() - interval '10 days', created_at = now() - interval '10 days',"
                                + " expires_at = now() + interval '12 hours' where id = any(?)",
                        expiring.stream().map(Api.Issued::id).toList());
                sql(
                        "update access_token set issued_at = now() - interval '10 days', created_at = now() - interval '10 days',"
                                + " expires_at = now() - interval '1 hour' where id = any(?)",
                        expired.stream().map(Api.Issued::id).toList());
                // a new address seen by both replicas in the same second
                List<Future<Integer>> uses = new ArrayList<>();
                for (int port : List.of(first, SECOND_PORT)) {
                    uses.add(threads.submit(() -> at(port, roaming.value())
                            .header("X-Forwarded-For", "198.51.100.8")
                            .get("/api/v1/me")
                            .statusCode()));
                }
                for (Future<Integer> use : uses) {
                    assertEquals(200, use.get());
                }

                int expected = revoked.size() + expiring.size() + expired.size() + 1;
                eventually(
                        Duration.ofSeconds(30),
                        () -> assertEquals(expected, delivered(receiver).size(), () -> describe(receiver)));
                Thread.sleep(2500); // more scans and delivery rounds on both replicas: nothing more comes

                Map<String, List<Receiver.Received>> byDelivery = receiver.received().stream()
                        .collect(Collectors.groupingBy(r -> r.header("X-Patgate-Delivery")));
                byDelivery.forEach((id, attempts) -> assertEquals(
                        1,
                        attempts.stream().filter(r -> r.status() < 300).count(),
                        "notice " + id + " answered 2xx more than once: " + attempts.size() + " attempts"));
                assertEquals(expected, byDelivery.size());
                assertEquals(
                        expected + 3,
                        receiver.received().size(),
                        "one request per notice, plus the three that failed and were retried");

                Map<String, Long> perTokenAndEvent = delivered(receiver).stream()
                        .map(r -> JsonPath.from(r.text()))
                        .collect(Collectors.groupingBy(
                                j -> j.getString("event") + " " + j.getString("token.id"), Collectors.counting()));
                perTokenAndEvent.forEach((key, n) -> assertEquals(1L, n, key));
                for (Api.Issued token : revoked) {
                    assertTrue(perTokenAndEvent.containsKey("token.revoked " + token.id()), token.id());
                }
                for (Api.Issued token : expiring) {
                    JsonPath notice = delivered(receiver).stream()
                            .map(r -> JsonPath.from(r.text()))
                            .filter(j -> j.getString("token.id").equals(token.id()))
                            .findFirst()
                            .orElseThrow();
                    assertEquals("token.expiring", notice.getString("event"));
                    assertEquals(1, notice.getInt("detail.days"));
                }
                for (Api.Issued token : expired) {
                    assertTrue(perTokenAndEvent.containsKey("token.expired " + token.id()), token.id());
                }
                assertEquals(
                        Set.of("token.used-from-new-address " + roaming.id()),
                        perTokenAndEvent.keySet().stream()
                                .filter(k -> k.endsWith(roaming.id()))
                                .collect(Collectors.toSet()));
                // and each revocation happened once: one audit entry per token, though both replicas were asked
                assertEquals(
                        revoked.size(),
                        count("select count(*) from audit_event where action = 'token.revoked' and token_id in ("
                                + revoked.stream().map(t -> "'" + t.id() + "'").collect(Collectors.joining(","))
                                + ")"));
            } finally {
                threads.shutdownNow();
                as(admin).delete("/api/v1/admin/webhooks/" + hookId).then().statusCode(204);
            }
        }
    }

    private static String describe(Receiver receiver) {
        return receiver.received().stream()
                .map(r -> r.status() + " " + r.header("X-Patgate-Delivery") + " " + r.header("X-Patgate-Event") + " "
                        + JsonPath.from(r.text()).getString("token.name"))
                .sorted()
                .collect(Collectors.joining("\n", "received:\n", ""));
    }

    private static List<Receiver.Received> delivered(Receiver receiver) {
        return receiver.received().stream().filter(r -> r.status() < 300).toList();
    }

    private static long count(String query) {
        try (Connection db = database();
                var rows = db.createStatement().executeQuery(query)) {
            return rows.next() ? rows.getLong(1) : 0;
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }
}
