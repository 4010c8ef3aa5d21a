package io.patgate.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A real webhook receiver on this machine, started by the test: it keeps every request it gets (headers and raw
 * body) and answers what the test scripted (a status, or a status after a delay), else 204 (or what
 * {@link #otherwiseAnswerAfter} says).
 */
public final class Receiver implements AutoCloseable {

    /** How far a delivery's {@code X-Patgate-Timestamp} may be from the receiver's clock, either way (Stripe's default too). */
    public static final Duration TOLERANCE = Duration.ofMinutes(5);

    /** One request as received, and the status it was answered with. */
    public record Received(String path, Map<String, List<String>> headers, byte[] body, int status) {
        public String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0))
                    .findFirst()
                    .orElse(null);
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** {@code X-Patgate-Timestamp}, unix seconds; null when it is missing or no number. */
        public Long timestamp() {
            String value = header("X-Patgate-Timestamp");
            return value != null && value.matches("[0-9]{1,19}") ? Long.valueOf(value) : null;
        }

        /** The entries of {@code X-Patgate-Signature-256}, each {@code sha256=<hex>}, as sent (every line of the header). */
        public List<String> signatures() {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase("X-Patgate-Signature-256"))
                    .flatMap(e -> e.getValue().stream())
                    .flatMap(line -> Arrays.stream(line.split(",")))
                    .map(String::strip)
                    .toList();
        }

        /**
         * What a receiver holding {@code secret} decides at {@code now}, as docs/notices.md tells receivers to: the timestamp is
         * within {@link #TOLERANCE} of {@code now}, and one signature entry is the HMAC of that timestamp and the body.
         */
        public boolean verifies(String secret, Instant now) {
            Long at = timestamp();
            if (at == null || Math.abs(now.getEpochSecond() - at) > TOLERANCE.toSeconds()) {
                return false;
            }
            byte[] expected = signature(secret, at, body).getBytes(StandardCharsets.US_ASCII);
            return signatures().stream()
                    .anyMatch(s -> MessageDigest.isEqual(expected, s.getBytes(StandardCharsets.US_ASCII)));
        }
    }

    private record Answer(int status, long delayMillis, String location) {}

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Deque<Answer> script = new ArrayDeque<>();
    private Answer otherwise = new Answer(204, 0, null);

    public Receiver() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", this::handle);
        server.start();
    }

    /** The next requests get these answers, in order (each once). */
    public synchronized Receiver thenAnswer(int status) {
        script.add(new Answer(status, 0, null));
        return this;
    }

    public synchronized Receiver thenAnswerAfter(long delayMillis, int status) {
        script.add(new Answer(status, delayMillis, null));
        return this;
    }

    /** Requests past the script get {@code status} after {@code delayMillis} (204 at once unless told). */
    public synchronized Receiver otherwiseAnswerAfter(long delayMillis, int status) {
        otherwise = new Answer(status, delayMillis, null);
        return this;
    }

    public synchronized Receiver thenRedirectTo(String location) {
        script.add(new Answer(302, 0, location));
        return this;
    }

    /**
     * One entry of {@code X-Patgate-Signature-256} for {@code body} sent at {@code timestamp} under {@code secret}, computed
     * here independently of patgate's code: {@code sha256=} and the hex HMAC-SHA256 of the decimal timestamp, a dot and the
     * raw bytes.
     */
    public static String signature(String secret, long timestamp, byte[] body) {
        byte[] prefix = (timestamp + ".").getBytes(StandardCharsets.US_ASCII);
        byte[] signed = Arrays.copyOf(prefix, prefix.length + body.length);
        System.arraycopy(body, 0, signed, prefix.length, body.length);
        return bodyOnlySignature(secret, signed);
    }

    /** The scheme before timestamps: {@code sha256=} and the hex HMAC-SHA256 of the raw body alone. Receivers of old check this. */
    public static String bodyOnlySignature(String secret, byte[] body) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + java.util.HexFormat.of().formatHex(mac.doFinal(body));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    /** What came for one token (the body names it). */
    public List<Received> about(String tokenId) {
        return received.stream()
                .filter(r -> r.text().contains("\"id\":\"" + tokenId + "\""))
                .toList();
    }

    /**
     * The notices that came for one token, as a receiver following the README counts them: one per
     * {@code X-Patgate-Delivery} (a notice can arrive more than once, e.g. again after an attempt that timed out), in the
     * order of their first arrival. Every copy of a notice must be the same event with the same body, else this fails.
     */
    public List<Received> notices(String tokenId) {
        Map<String, Received> first = new java.util.LinkedHashMap<>();
        for (Received r : about(tokenId)) {
            String id = r.header("X-Patgate-Delivery");
            if (id == null) {
                throw new AssertionError("a delivery without X-Patgate-Delivery: " + r.text());
            }
            Received earlier = first.putIfAbsent(id, r);
            if (earlier != null
                    && !(Arrays.equals(earlier.body(), r.body())
                            && earlier.header("X-Patgate-Event").equals(r.header("X-Patgate-Event")))) {
                throw new AssertionError("two different deliveries under one X-Patgate-Delivery " + id + ": "
                        + earlier.text() + " / " + r.text());
            }
        }
        return List.copyOf(first.values());
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        Answer answer;
        synchronized (this) {
            answer = script.isEmpty() ? otherwise : script.poll();
        }
        received.add(new Received(
                exchange.getRequestURI().toString(), Map.copyOf(exchange.getRequestHeaders()), body, answer.status()));
        if (answer.delayMillis() > 0) {
            try {
                Thread.sleep(answer.delayMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (answer.location() != null) {
            exchange.getResponseHeaders().add("Location", answer.location());
        }
        try {
            exchange.sendResponseHeaders(answer.status(), -1);
        } catch (IOException gone) {
            // the sender gave up waiting (a timeout under test)
        }
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
