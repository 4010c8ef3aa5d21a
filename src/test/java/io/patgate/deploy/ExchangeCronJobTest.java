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
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exchange CronJob's script (examples/exchange-cronjob.yaml), run for real with this machine's sh and curl against
 * patgate: a real OpenID provider (mock-oauth2-server) signs the Kubernetes-like token the kubelet would project, written
 * where the script reads it (a temporary directory instead of the pod's volume), and a local receiver stands in for
 * the API behind the ingress (the ingress's forward-auth is then asked about what the job sent).
 */
@QuarkusTest
@TestProfile(io.patgate.support.BehindAProxy.class)
class ExchangeCronJobTest {

    private static final String PROJECTED = "/var/run/secrets/tokens/patgate";
    private static MockOAuth2Server provider;

    @TestHTTPResource("/")
    URL patgate;

    private record Run(int exit, String output) {}

    @BeforeAll
    static void start() throws Exception {
        provider = new MockOAuth2Server();
        provider.start();
        HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(
                                        provider.wellKnownUrl("cluster").toString()))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
    }

    @AfterAll
    static void stop() {
        provider.shutdown();
    }

    /** A token as the kubelet projects it for a pod of {@code namespace}: audience patgate, ten minutes. */
    private static String projected(String namespace) {
        return provider.issueToken(
                        "cluster",
                        "system:serviceaccount:" + namespace + ":patgate-exchange",
                        "patgate",
                        Map.of(
                                "kubernetes.io",
                                Map.of("namespace", namespace, "serviceaccount", Map.of("name", "patgate-exchange"))),
                        600L)
                .serialize();
    }

    /** A namespace of this test's own, so that no other test's trust entry matches its tokens. */
    private static String namespace() {
        return "jobs-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A service account with roles deploy and read, trusting the cluster's {@code namespace}/patgate-exchange; returns its id. */
    private static String trustedAccount(String namespace) {
        String admin = Api.adminSession();
        String account = as(admin)
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "name",
                        "cron-" + UUID.randomUUID().toString().substring(0, 8),
                        "roles",
                        List.of("deploy", "read")))
                .post("/api/v1/service-accounts")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        as(admin)
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "issuer",
                        provider.issuerUrl("cluster").toString(),
                        "audience",
                        "patgate",
                        "subject",
                        "system:serviceaccount:" + namespace + ":patgate-exchange",
                        "claims",
                        Map.of("/kubernetes.io/namespace", namespace),
                        "maxTtlSeconds",
                        600))
                .post("/api/v1/service-accounts/" + account + "/trust")
                .then()
                .statusCode(201);
        return account;
    }

    /** The script as the CronJob has it, reading the projected token from {@code tokenFile}. */
    private static String script(Path tokenFile) {
        CronJob cron = (CronJob) Kustomize.readAll(ManifestsTest.EXCHANGE_EXAMPLE).stream()
                .map(d -> ManifestsTest.parse(d, "exchange-cronjob.yaml"))
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
        String moved = script.replace(PROJECTED, tokenFile.toString());
        assertNotEquals(script, moved);
        return moved;
    }

    private Run run(Path tokenFile, String scope, String api) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("sh", "-c", script(tokenFile)).redirectErrorStream(true);
        String base = patgate.toString();
        builder.environment()
                .putAll(Map.of(
                        "PATGATE_URL",
                        base.endsWith("/") ? base.substring(0, base.length() - 1) : base,
                        "SCOPE",
                        scope,
                        "API_URL",
                        api));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        return new Run(process.exitValue(), output);
    }

    @Test
    void theJobTradesItsProjectedTokenAndCallsTheApiWithWhatItGot(@TempDir Path dir) throws Exception {
        String namespace = namespace();
        String account = trustedAccount(namespace);
        String subjectToken = projected(namespace);
        Path file = dir.resolve("patgate");
        Files.writeString(file, subjectToken); // as the kubelet writes it: no trailing newline
        try (Receiver api = new Receiver()) {
            Run run = run(file, "deploy", api.url("/v1/deployments"));
            assertEquals(0, run.exit(), run.output());
            assertEquals(1, api.received().size());
            Receiver.Received call = api.received().get(0);
            assertEquals("/v1/deployments", call.path());
            String authorization = call.header("Authorization");
            assertTrue(authorization.startsWith("Bearer "), authorization);
            String token = authorization.substring("Bearer ".length());
            assertFalse(
                    run.output().contains(token) || run.output().contains(subjectToken),
                    "no token value is printed: " + run.output());

            // what the ingress's forward-auth says about it: the service account, with the scope the job asked for only
            as(token)
                    .get("/auth/verify?scope=deploy")
                    .then()
                    .statusCode(200)
                    .header("X-Auth-User-Id", account)
                    .header("X-Auth-Scopes", "deploy");
            as(token).get("/auth/verify?scope=read").then().statusCode(403);
            assertEquals(
                    "exchange",
                    as(token).get("/api/v1/me").then().statusCode(200).extract().path("authMethod"));
        }
    }

    @Test
    void aPodOfAnotherNamespaceIsRefusedAndTheApiIsNeverCalled(@TempDir Path dir) throws Exception {
        trustedAccount(namespace());
        Path file = dir.resolve("patgate");
        Files.writeString(
                file, projected(namespace())); // the same service account's name, in a namespace nobody trusts
        try (Receiver api = new Receiver()) {
            Run run = run(file, "deploy", api.url("/v1/deployments"));
            assertEquals(1, run.exit(), run.output());
            assertTrue(
                    run.output().contains("patgate refused the exchange")
                            && run.output().contains("invalid_grant"),
                    run.output());
            assertEquals(List.of(), api.received(), "the API was called without a token");
        }
    }

    @Test
    void aScopeBeyondTheAccountsRolesIsRefused(@TempDir Path dir) throws Exception {
        String namespace = namespace();
        trustedAccount(namespace);
        Path file = dir.resolve("patgate");
        Files.writeString(file, projected(namespace));
        try (Receiver api = new Receiver()) {
            Run run = run(file, "admin", api.url("/v1/deployments"));
            assertEquals(1, run.exit(), run.output());
            assertTrue(
                    run.output().contains("patgate refused the exchange")
                            && run.output().contains("invalid_scope"),
                    run.output());
            assertEquals(List.of(), api.received());
        }
    }

    @Test
    void theApisRefusalFailsTheJob(@TempDir Path dir) throws Exception {
        String namespace = namespace();
        trustedAccount(namespace);
        Path file = dir.resolve("patgate");
        Files.writeString(file, projected(namespace));
        try (Receiver api = new Receiver()) {
            api.thenAnswer(403);
            Run run = run(file, "deploy", api.url("/v1/deployments"));
            assertEquals(1, run.exit(), run.output());
            assertTrue(run.output().contains("the API refused the call"), run.output());
            assertEquals(1, api.received().size());
        }
    }
}
