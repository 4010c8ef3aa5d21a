package io.patgate.notice;

import static io.patgate.support.Api.as;
import static io.patgate.support.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.patgate.support.Api;
import io.patgate.support.Receiver;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The receiver the documentation gives webhook users (a Python script), taken from docs/notices.md as it stands and run against
 * real deliveries: it takes a delivery, and refuses the same delivery replayed once its timestamp is old, one whose
 * timestamp was changed, and one signed the old way (the body alone); during a change of secret, it still takes a
 * delivery carrying its secret's signature second. Needs {@code python3} (skipped without it).
 */
@QuarkusTest
class ReadmeReceiverTest {

    private static final String SECRET = "a-readme-receiver-secret-long-enough";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** The Python block after "**A receiver**" in docs/notices.md. */
    private static String readmeReceiver() throws IOException {
        String readme = Files.readString(Path.of("docs/notices.md"));
        int at = readme.indexOf("**A receiver** that checks the time and the signature");
        assertTrue(
                at >= 0,
                "docs/notices.md no longer introduces its receiver the same way: teach ReadmeReceiverTest where it is");
        Matcher code = Pattern.compile("```python\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertTrue(code.find(at), "no python block after the receiver's introduction");
        return code.group(1);
    }

    private static int post(int port, byte[] body, String timestamp, String signature) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .header("Content-Type", "application/json")
                .header("X-Patgate-Timestamp", timestamp)
                .header("X-Patgate-Signature-256", signature)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void theReadmeReceiverTakesADeliveryAndRefusesAReplayAChangedTimestampAndTheOldScheme(@TempDir Path dir)
            throws Exception {
        Path script = dir.resolve("receiver.py");
        Files.writeString(script, readmeReceiver());
        Path output = dir.resolve("output.txt");
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        ProcessBuilder python = new ProcessBuilder("python3", script.toString())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        python.environment().put("PATGATE_WEBHOOK_SECRET", SECRET);
        python.environment().put("PORT", Integer.toString(port));
        Process receiver;
        try {
            receiver = python.start();
        } catch (IOException e) {
            Assumptions.abort("python3 is not installed");
            return;
        }
        List<String> hooks = new ArrayList<>();
        try (Receiver copy = new Receiver()) {
            int listening = port;
            eventually(Duration.ofSeconds(20), () -> {
                assertTrue(receiver.isAlive(), () -> "the documented receiver stopped: " + read(output));
                try {
                    new Socket("127.0.0.1", listening).close();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            // the documented receiver, and a second hook with the same secret to see the very bytes it was sent
            for (String url : List.of("http://127.0.0.1:" + port + "/", copy.url("/copy"))) {
                hooks.add(as(Api.adminSession())
                        .contentType(ContentType.JSON)
                        .body(Map.of("url", url, "secret", SECRET, "events", List.of("token.revoked")))
                        .post("/api/v1/admin/webhooks")
                        .then()
                        .statusCode(201)
                        .extract()
                        .path("id"));
            }
            Api.TestUser owner = Api.aUser();
            Api.Issued token = Api.aToken(owner.session(), Map.of("name", "readme-receiver-bot"));
            as(owner.session()).delete("/api/v1/tokens/" + token.id()).then().statusCode(204);

            eventually(
                    Duration.ofSeconds(15),
                    () -> assertTrue(read(output).contains("token.revoked readme-receiver-bot"), read(output)));
            eventually(
                    Duration.ofSeconds(10),
                    () -> assertEquals(1, copy.about(token.id()).size()));
            Receiver.Received sent = copy.about(token.id()).get(0);
            String timestamp = sent.header("X-Patgate-Timestamp");
            long at = Long.parseLong(timestamp);
            byte[] body = sent.body();

            // the same delivery again at once: taken (204) and known as a repeat
            assertEquals(204, post(port, body, timestamp, sent.header("X-Patgate-Signature-256")));
            eventually(Duration.ofSeconds(5), () -> assertTrue(read(output).contains("already handled"), read(output)));
            // captured six minutes ago, validly signed then: a replay, refused
            long old = Instant.now().minusSeconds(360).getEpochSecond();
            assertEquals(401, post(port, body, Long.toString(old), Receiver.signature(SECRET, old, body)));
            // a fresh timestamp over the old signature: refused
            assertEquals(401, post(port, body, Long.toString(at + 1), sent.header("X-Patgate-Signature-256")));
            // signed over the body alone, as before timestamps: refused
            assertEquals(401, post(port, body, timestamp, Receiver.bodyOnlySignature(SECRET, body)));
            // during a change of secret, the receiver that still holds the old one finds its entry second
            assertEquals(
                    204,
                    post(
                            port,
                            body,
                            timestamp,
                            Receiver.signature("the-new-secret-it-does-not-have", at, body) + ","
                                    + Receiver.signature(SECRET, at, body)));
        } finally {
            receiver.destroy();
            hooks.forEach(id -> as(Api.adminSession()).delete("/api/v1/admin/webhooks/" + id));
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
