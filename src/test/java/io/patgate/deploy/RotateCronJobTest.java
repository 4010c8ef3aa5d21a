package io.patgate.deploy;

import static io.patgate.support.Api.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.patgate.support.Api;
import io.patgate.support.Receiver;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rotation CronJob's script (examples/rotate-cronjob.yaml), run for real with this machine's sh and curl against
 * patgate, with its files in a temporary directory instead of the pod's volumes and a local receiver standing in for
 * the Kubernetes API (plain http, so the CA file goes unused).
 */
@QuarkusTest
class RotateCronJobTest {

    @TestHTTPResource("/")
    URL patgate;

    private record Run(int exit, String output) {}

    /** The script as the CronJob has it, pointed at {@code dir} and {@code kubernetes}. */
    private static String script(Path dir, String kubernetes) {
        CronJob cron = (CronJob) Kustomize.readAll(ManifestsTest.ROTATE_EXAMPLE).stream()
                .map(d -> ManifestsTest.parse(d, "rotate-cronjob.yaml"))
                .filter(CronJob.class::isInstance)
                .findFirst()
                .orElseThrow();
        String script = cron.getSpec()
                .getJobTemplate()
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getArgs()
                .get(0);
        String moved = script.replace("/patgate/token", dir.resolve("token").toString())
                .replace("api=/var/run/secrets/kubernetes.io/serviceaccount", "api=" + dir.resolve("api"))
                .replace("https://kubernetes.default.svc", kubernetes);
        assertNotEquals(script, moved);
        return moved;
    }

    private Run run(Path dir, String kubernetes) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("sh", "-c", script(dir, kubernetes)).redirectErrorStream(true);
        String base = patgate.toString();
        builder.environment()
                .putAll(Map.of(
                        "PATGATE_URL",
                        base.endsWith("/") ? base.substring(0, base.length() - 1) : base,
                        "SECRET",
                        "patgate-token",
                        "EXPIRES_IN_DAYS",
                        "60",
                        "GRACE_SECONDS",
                        "3600"));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        return new Run(process.exitValue(), output);
    }

    @Test
    void theCronJobRotatesTheTokenAndWritesTheNewValueIntoTheSecret(@TempDir Path dir) throws Exception {
        String admin = Api.adminSession();
        String account = as(admin)
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "name", "rotator-" + UUID.randomUUID().toString().substring(0, 8), "roles", List.of("deploy")))
                .post("/api/v1/service-accounts")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        JsonPath issued = as(admin)
                .contentType(ContentType.JSON)
                .body(Map.of("name", "nightly", "expiresInDays", 7))
                .post("/api/v1/service-accounts/" + account + "/tokens")
                .then()
                .statusCode(201)
                .extract()
                .jsonPath();
        String old = issued.getString("token");
        Files.writeString(dir.resolve("token"), old);
        Files.createDirectories(dir.resolve("api"));
        Files.writeString(dir.resolve("api/token"), "the-pods-own-kubernetes-token");
        Files.writeString(dir.resolve("api/namespace"), "jobs");
        Files.writeString(dir.resolve("api/ca.crt"), "unused over plain http");

        try (Receiver kubernetes = new Receiver()) {
            String api = kubernetes.url("");
            Run run = run(dir, api.endsWith("/") ? api.substring(0, api.length() - 1) : api);
            assertEquals(0, run.exit(), run.output());
            assertTrue(run.output().contains("rotated: the new value is in secret patgate-token"), run.output());

            Receiver.Received patch = kubernetes.received().get(0);
            assertEquals(1, kubernetes.received().size());
            assertEquals("/api/v1/namespaces/jobs/secrets/patgate-token", patch.path());
            assertEquals("Bearer the-pods-own-kubernetes-token", patch.header("Authorization"));
            assertEquals("application/merge-patch+json", patch.header("Content-Type"));
            String fresh = JsonPath.from(patch.text()).getString("stringData.token");
            assertNotEquals(old, fresh);
            assertFalse(run.output().contains(fresh) || run.output().contains(old), "no token value is printed");

            // the new value is the same token, for 60 days; the old one works for the grace period
            as(fresh)
                    .get("/api/v1/tokens/self")
                    .then()
                    .statusCode(200)
                    .extract()
                    .path("id");
            assertEquals(
                    issued.getString("id"),
                    as(fresh).get("/api/v1/tokens/self").then().extract().path("id"));
            assertTrue(java.time.Duration.between(
                                    java.time.Instant.now().plus(java.time.Duration.ofDays(60)),
                                    java.time.Instant.parse(as(fresh)
                                            .get("/api/v1/tokens/self")
                                            .then()
                                            .extract()
                                            .<String>path("expiresAt")))
                            .abs()
                            .toMinutes()
                    < 2);
            as(old).get("/api/v1/me").then().statusCode(200);

            // a retry with the value already replaced (the Secret was not written) fails loudly and takes nothing
            Run again = run(dir, api.endsWith("/") ? api.substring(0, api.length() - 1) : api);
            assertEquals(1, again.exit(), again.output());
            assertTrue(
                    again.output().contains("patgate refused the rotation")
                            && again.output().contains("409"),
                    again.output());
            assertEquals(1, kubernetes.received().size(), "nothing written");
            as(fresh).get("/api/v1/me").then().statusCode(200);
        }
    }
}
