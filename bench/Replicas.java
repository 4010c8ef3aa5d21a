import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Propagation latency between two replicas: revoke a token on replica A, then poll replica B until it
 * refuses the token. Run by bench/replicas.sh as `java bench/Replicas.java A B PASSWORD N`.
 */
public class Replicas {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public static void main(String[] args) throws Exception {
        String a = args[0];
        String b = args[1];
        String adminPassword = args[2];
        int n = Integer.parseInt(args[3]);

        String admin = field(
                post(a + "/api/v1/auth/login", null, "{\"username\":\"admin\",\"password\":\"" + adminPassword + "\"}"),
                "token");
        post(
                a + "/api/v1/users",
                admin,
                "{\"username\":\"replicas\",\"password\":\"replicas-bench-password\",\"roles\":[\"deploy\"]}");
        String user = field(
                post(
                        a + "/api/v1/auth/login",
                        null,
                        "{\"username\":\"replicas\",\"password\":\"replicas-bench-password\"}"),
                "token");

        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String created = post(a + "/api/v1/tokens", user, "{\"name\":\"replica-" + i + "\"}");
            String id = field(created, "id");
            String token = field(created, "token");
            // B must know the token first (through the notification, or its one-off look-up)
            while (verify(b, token) != 200) {
                Thread.sleep(1);
            }
            send(
                    HttpRequest.newBuilder(URI.create(a + "/api/v1/tokens/" + id))
                            .DELETE()
                            .header("Authorization", "Bearer " + user),
                    204);
            long confirmed = System.nanoTime(); // A has committed and answered
            while (verify(b, token) != 401) {
                Thread.onSpinWait();
            }
            millis.add((System.nanoTime() - confirmed) / 1e6);
        }
        Collections.sort(millis);
        System.out.printf("revocations: %d%n", millis.size());
        System.out.printf(
                "propagation A -> B (ms): p50 %.1f  p99 %.1f  max %.1f%n",
                at(millis, 0.50), at(millis, 0.99), millis.get(millis.size() - 1));
    }

    private static double at(List<Double> sorted, double q) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
    }

    private static int verify(String base, String token) throws Exception {
        return HTTP.send(
                        HttpRequest.newBuilder(URI.create(base + "/auth/verify"))
                                .header("Authorization", "Bearer " + token)
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private static String post(String url, String bearer, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return send(request, -1);
    }

    private static String send(HttpRequest.Builder request, int expected) throws Exception {
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (expected > 0 ? response.statusCode() != expected : response.statusCode() >= 400) {
            throw new IllegalStateException(response.statusCode() + " " + response.body());
        }
        return response.body();
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\"([^\"]+)\"").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no " + name + " in " + json);
        }
        return m.group(1);
    }
}
