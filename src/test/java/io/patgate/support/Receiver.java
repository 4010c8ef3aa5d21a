package io.patgate.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
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

    /** One request as received, and the status it was answered with. */
    public record Received(String path, Map<String, List<String>> headers, byte[] body, int status) {
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(e -> e.getValue().get(0))
                    .findFirst().orElse(null);
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private record Answer(int status, long delayMillis, String location) {
    }

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
     * What {@code X-Patgate-Signature-256} must be for {@code body} under {@code secret}, computed here independently of
     * patgate's code: {@code sha256=} and the hex HMAC-SHA256 of the raw bytes.
     */
    public static String signature(String secret, byte[] body) {
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
        return received.stream().filter(r -> r.text().contains("\"id\":\"" + tokenId + "\"")).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        Answer answer;
        synchronized (this) {
            answer = script.isEmpty() ? otherwise : script.poll();
        }
        received.add(new Received(exchange.getRequestURI().toString(), Map.copyOf(exchange.getRequestHeaders()), body, answer.status()));
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
