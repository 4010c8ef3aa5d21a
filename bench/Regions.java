import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Propagation per region, then a region whose standby stops. Run by bench/regions.sh as
 * {@code java bench/Regions.java PASSWORD REVOCATIONS LATE BOUND_MS STANDBY_B_PID near-1=URL near-2=URL far-1=URL far-2=URL}:
 * every token is made and revoked through the first replica; the far region is the one whose standby (B) is stopped.
 * Exits 1 when a revoked token was accepted later than the bound after its revocation, a far replica did not fail
 * closed (503 state-stale) within the bound of the stop, or the far region did not come back after it.
 */
public class Regions {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final List<String> FAILURES = Collections.synchronizedList(new ArrayList<>());

    record Replica(String name, String url) {
        String region() {
            return name.substring(0, name.indexOf('-'));
        }

        String management() {
            URI u = URI.create(url);
            return "http://" + u.getHost() + ":" + (u.getPort() + 1000);
        }
    }

    record Issued(String id, String value) {}

    /** What one replica did while standby B was stopped. */
    static final class Watch {
        volatile long first503 = -1; // ms after the stop: the canary's first 503 state-stale
        final AtomicInteger acceptedAgain = new AtomicInteger(); // canary 200 after that 503, before SIGCONT
        final AtomicInteger accepted = new AtomicInteger(); // checks of tokens revoked after the stop that got 200
        final AtomicLong longestAccepted = new AtomicLong(-1); // ms after its revocation, the latest such 200
        final AtomicInteger acceptedAfterBound = new AtomicInteger();
        final Map<Issued, Long> refused = new ConcurrentHashMap<>(); // ms from revocation to the first 401
        volatile int ready = -1; // readiness while stopped, once 503
    }

    public static void main(String[] args) throws Exception {
        String password = args[0];
        int n = Integer.parseInt(args[1]);
        int late = Integer.parseInt(args[2]);
        long bound = Long.parseLong(args[3]);
        long standbyB = Long.parseLong(args[4]);
        List<Replica> replicas = new ArrayList<>();
        for (int i = 5; i < args.length; i++) {
            replicas.add(new Replica(
                    args[i].substring(0, args[i].indexOf('=')), args[i].substring(args[i].indexOf('=') + 1)));
        }
        Replica via = replicas.get(0);
        String admin = field(
                post(
                        via.url + "/api/v1/auth/login",
                        null,
                        "{\"username\":\"admin\",\"password\":\"" + password + "\"}"),
                "token");
        post(
                via.url + "/api/v1/users",
                admin,
                "{\"username\":\"regions\",\"password\":\"regions-bench-password\",\"roles\":[\"deploy\"]}");
        String user = field(
                post(
                        via.url + "/api/v1/auth/login",
                        null,
                        "{\"username\":\"regions\",\"password\":\"regions-bench-password\"}"),
                "token");
        ExecutorService pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r);
            t.setDaemon(true);
            return t;
        });

        // 1. propagation: each token known everywhere, revoked through `via`, polled on every replica until refused
        Map<String, List<Double>> times = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            Issued token = issue(via, user, "regions-" + i);
            for (Replica r : replicas) {
                await(r, token, 200, 30_000);
            }
            revoke(via, user, token);
            long at = System.nanoTime();
            Map<Replica, Future<Double>> polls = new LinkedHashMap<>();
            for (Replica r : replicas) {
                polls.put(r, pool.submit(() -> untilRefused(r, token, at, bound)));
            }
            Map<String, Double> regionMax = new LinkedHashMap<>();
            for (Map.Entry<Replica, Future<Double>> p : polls.entrySet()) {
                double ms = p.getValue().get();
                times.computeIfAbsent(p.getKey().name, k -> new ArrayList<>()).add(ms);
                regionMax.merge("region " + p.getKey().region() + " (all its replicas)", ms, Math::max);
            }
            regionMax.forEach((region, ms) ->
                    times.computeIfAbsent(region, k -> new ArrayList<>()).add(ms));
        }
        System.out.printf("%n%d revocations through %s: ms from the DELETE's 204 to the first 401%n%n", n, via.name);
        System.out.println("| replica | p50 | p99 | max |\n|---|---|---|---|");
        times.forEach((name, ms) -> {
            Collections.sort(ms);
            System.out.printf(
                    "| %s | %.1f | %.1f | %.1f |%n",
                    name,
                    ms.get((int) Math.ceil(0.50 * ms.size()) - 1),
                    ms.get((int) Math.ceil(0.99 * ms.size()) - 1),
                    ms.get(ms.size() - 1));
        });

        // 2. standby B stops: its replicas must fail closed within the bound and never accept a token revoked longer
        // ago
        Issued canary = issue(via, user, "regions-canary");
        List<Issued> later = new ArrayList<>();
        for (int i = 0; i < late; i++) {
            later.add(issue(via, user, "regions-late-" + i));
        }
        for (Replica r : replicas) {
            await(r, canary, 200, 30_000);
            for (Issued t : later) {
                await(r, t, 200, 30_000);
            }
        }
        Map<Issued, Long> revokedAt = new ConcurrentHashMap<>();
        Map<Replica, Watch> watches = new LinkedHashMap<>();
        AtomicInteger running = new AtomicInteger(1);
        long stop = System.nanoTime();
        signal("STOP", standbyB);
        List<Future<?>> watchers = new ArrayList<>();
        for (Replica r : replicas) {
            Watch w = new Watch();
            watches.put(r, w);
            watchers.add(pool.submit(() -> watchCanary(r, canary, w, stop, running)));
            watchers.add(pool.submit(() -> watchRevoked(r, revokedAt, w, bound, running)));
        }
        long lastRevoked = 0;
        for (Issued t : later) {
            revoke(via, user, t);
            lastRevoked = System.nanoTime();
            revokedAt.put(t, lastRevoked);
            Thread.sleep(Math.max(1, bound / 2 / late));
        }
        long deadline = stop + (bound + 30_000) * 1_000_000;
        while (System.nanoTime() < deadline
                && (System.nanoTime() - lastRevoked < (bound + 3000) * 1_000_000
                        || watches.entrySet().stream()
                                .anyMatch(e -> e.getKey().region().equals("far") && e.getValue().first503 < 0))) {
            Thread.sleep(50);
        }
        running.set(0);
        for (Future<?> f : watchers) {
            f.get();
        }
        System.out.printf(
                "%nstandby B stopped (SIGSTOP, all its processes); bound %d ms; %d tokens revoked through %s over the next %.1f s,"
                        + " every replica polled every 10 ms%n%n",
                bound, late, via.name, (lastRevoked - stop) / 1e9);
        System.out.println(
                "| replica | canary's first 503 state-stale after the stop | readiness then | canary 200 again before SIGCONT"
                        + " | tokens revoked after the stop: first 401, p50 / max | checks answered 200 | latest 200, ms after its revocation"
                        + " | 200 after the bound |\n|---|---|---|---|---|---|---|---|");
        watches.forEach((r, w) -> {
            List<Long> refused = new ArrayList<>(w.refused.values());
            Collections.sort(refused);
            System.out.printf(
                    "| %s | %s | %s | %d | %s | %d | %s | %d |%n",
                    r.name,
                    w.first503 < 0 ? "never" : w.first503 + " ms",
                    w.ready < 0 ? "-" : String.valueOf(w.ready),
                    w.acceptedAgain.get(),
                    refused.isEmpty()
                            ? "none (" + (w.first503 < 0 ? "still accepted" : "503 state-stale instead") + ")"
                            : refused.get(refused.size() / 2) + " / " + refused.get(refused.size() - 1) + " ms"
                                    + (refused.size() < late ? " (" + refused.size() + " of " + late + ")" : ""),
                    w.accepted.get(),
                    w.longestAccepted.get() < 0 ? "-" : w.longestAccepted.get() + " ms",
                    w.acceptedAfterBound.get());
            if (r.region().equals("far") && (w.first503 < 0 || w.first503 > bound + 500)) {
                FAILURES.add(r.name + " did not answer 503 state-stale within the bound (" + w.first503 + " ms)");
            }
        });

        // 3. SIGCONT: the far region comes back, and refuses what was revoked meanwhile
        long cont = System.nanoTime();
        signal("CONT", standbyB);
        System.out.println();
        for (Replica r : replicas.stream().filter(r -> r.region().equals("far")).toList()) {
            long back = await(r, canary, 200, 60_000);
            int stillAccepted = 0;
            for (Issued t : later) {
                if (verify(r, t) == 200) {
                    stillAccepted++;
                }
            }
            System.out.printf(
                    "after SIGCONT %s answers 200 again after %s; tokens revoked meanwhile still accepted: %d of %d%n",
                    r.name, back < 0 ? "never (60 s)" : (back - cont) / 1_000_000 + " ms", stillAccepted, later.size());
            if (back < 0 || stillAccepted > 0) {
                FAILURES.add(r.name + " did not recover after SIGCONT");
            }
        }
        FAILURES.forEach(f -> System.out.println("FAILED: " + f));
        System.out.println(FAILURES.isEmpty() ? "PASSED: no revoked token accepted after the bound" : "FAILED");
        System.exit(FAILURES.isEmpty() ? 0 : 1);
    }

    /** Polls until the replica answers 401; ms after the revocation. A 200 later than the bound is a failure. */
    private static double untilRefused(Replica r, Issued token, long revoked, long bound) throws Exception {
        while (true) {
            int status = verify(r, token);
            double ms = (System.nanoTime() - revoked) / 1e6;
            if (status == 401) {
                return ms;
            }
            if (ms > bound + 5000) {
                FAILURES.add(r.name + " still answered " + status + " for token " + token.id + " " + ms
                        + " ms after its revocation");
                return ms;
            }
            if (status == 200 && ms > bound) {
                FAILURES.add(r.name + " accepted token " + token.id + " " + ms + " ms after its revocation");
            }
            Thread.sleep(1);
        }
    }

    private static Void watchCanary(Replica r, Issued canary, Watch w, long stop, AtomicInteger running)
            throws Exception {
        while (running.get() == 1) {
            HttpResponse<String> answer;
            try {
                answer = HTTP.send(check(r, canary), HttpResponse.BodyHandlers.ofString());
            } catch (HttpTimeoutException e) {
                continue;
            }
            if (answer.statusCode() == 503 && answer.body().contains("state-stale") && w.first503 < 0) {
                w.first503 = (System.nanoTime() - stop) / 1_000_000;
                w.ready = HTTP.send(
                                HttpRequest.newBuilder(URI.create(r.management() + "/q/health/ready"))
                                        .build(),
                                HttpResponse.BodyHandlers.discarding())
                        .statusCode();
            } else if (answer.statusCode() == 200 && w.first503 >= 0) {
                w.acceptedAgain.incrementAndGet();
            }
            Thread.sleep(10);
        }
        return null;
    }

    private static Void watchRevoked(Replica r, Map<Issued, Long> revokedAt, Watch w, long bound, AtomicInteger running)
            throws Exception {
        while (running.get() == 1) {
            for (Map.Entry<Issued, Long> e : revokedAt.entrySet()) {
                int status = verify(r, e.getKey());
                long ms = (System.nanoTime() - e.getValue()) / 1_000_000;
                if (status == 200) {
                    w.accepted.incrementAndGet();
                    w.longestAccepted.accumulateAndGet(ms, Math::max);
                    if (ms > bound) {
                        w.acceptedAfterBound.incrementAndGet();
                        FAILURES.add(
                                r.name + " accepted token " + e.getKey().id + " " + ms + " ms after its revocation");
                    }
                } else if (status == 401) {
                    w.refused.putIfAbsent(e.getKey(), ms);
                }
            }
            Thread.sleep(10);
        }
        return null;
    }

    /** SIGSTOP or SIGCONT to a postmaster and all its processes. */
    private static void signal(String signal, long postmaster) throws Exception {
        List<String> command = new ArrayList<>(List.of("kill", "-" + signal, String.valueOf(postmaster)));
        ProcessHandle.of(postmaster).orElseThrow().children().forEach(p -> command.add(String.valueOf(p.pid())));
        if (new ProcessBuilder(command).inheritIO().start().waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed");
        }
    }

    /** Waits until the replica answers {@code status} for the token; when it did (nanoTime), or -1 after the timeout. */
    private static long await(Replica r, Issued token, int status, long timeoutMillis) throws Exception {
        long end = System.nanoTime() + timeoutMillis * 1_000_000;
        while (System.nanoTime() < end) {
            if (verify(r, token) == status) {
                return System.nanoTime();
            }
            Thread.sleep(5);
        }
        FAILURES.add(
                r.name + " did not answer " + status + " for token " + token.id + " within " + timeoutMillis + " ms");
        return -1;
    }

    private static Issued issue(Replica r, String session, String name) throws Exception {
        String created = post(r.url + "/api/v1/tokens", session, "{\"name\":\"" + name + "\"}");
        return new Issued(field(created, "id"), field(created, "token"));
    }

    private static void revoke(Replica r, String session, Issued token) throws Exception {
        send(
                HttpRequest.newBuilder(URI.create(r.url + "/api/v1/tokens/" + token.id))
                        .DELETE()
                        .header("Authorization", "Bearer " + session),
                204);
    }

    private static HttpRequest check(Replica r, Issued token) {
        return HttpRequest.newBuilder(URI.create(r.url + "/auth/verify"))
                .header("Authorization", "Bearer " + token.value)
                .timeout(Duration.ofSeconds(10))
                .build();
    }

    /** The answer's status, or -1 when none came within 10 s. */
    private static int verify(Replica r, Issued token) throws Exception {
        try {
            return HTTP.send(check(r, token), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (HttpTimeoutException e) {
            return -1;
        }
    }

    private static String post(String url, String bearer, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        return send(bearer == null ? request : request.header("Authorization", "Bearer " + bearer), -1);
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
