package io.patgate.integration;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.*;

import com.sun.net.httpserver.HttpServer;
import io.patgate.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real nginx ({@code auth_request}) in front of a tiny upstream, with patgate as the forward-auth: the
 * configuration docs/integrating.md shows, proven. nginx comes from Debian; .ci/test installs it, and so does this
 * test when it runs as root on a machine without it.
 */
@QuarkusTest
class NginxForwardAuthTest {

    private static HttpServer upstream;
    private static Process nginx;
    private static int nginxPort;
    private static Path dir;

    @BeforeEach
    void startOnce() throws Exception {
        if (nginx == null) {
            start(); // in @BeforeEach: only by now does the test know which port patgate listens on
        }
    }

    static void start() throws Exception {
        ensureNginx();
        upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.createContext("/", exchange -> {
            // the upstream API reports what identity reached it
            String user = String.valueOf(exchange.getRequestHeaders().getFirst("X-Auth-User"));
            String scopes = String.valueOf(exchange.getRequestHeaders().getFirst("X-Auth-Scopes"));
            String tokenId = String.valueOf(exchange.getRequestHeaders().getFirst("X-Auth-Token-Id"));
            byte[] body = ("{\"user\":\"" + user + "\",\"scopes\":\"" + scopes + "\",\"tokenId\":\"" + tokenId
                            + "\",\"path\":\""
                            + exchange.getRequestURI().getPath() + "\",\"authorization\":\""
                            + (exchange.getRequestHeaders().getFirst("Authorization") != null) + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        upstream.start();

        dir = Files.createTempDirectory("patgate-nginx");
        nginxPort = freePort();
        String conf = """
                %s
                worker_processes 1;
                daemon off;
                pid %s/nginx.pid;
                error_log %s/error.log warn;
                events { worker_connections 64; }
                http {
                    access_log off;
                    client_body_temp_path %s/body;
                    proxy_temp_path %s/proxy;
                    fastcgi_temp_path %s/fastcgi;
                    uwsgi_temp_path %s/uwsgi;
                    scgi_temp_path %s/scgi;

                    upstream patgate { server 127.0.0.1:%d; keepalive 16; }
                    upstream api     { server 127.0.0.1:%d; }

                    server {
                        listen 127.0.0.1:%d;

                        # the forward-auth subrequest: only headers go to patgate, never the body
                        location = /_patgate_verify {
                            internal;
                            proxy_pass http://patgate/auth/verify$patgate_scope;
                            proxy_http_version 1.1;
                            proxy_set_header Connection "";
                            proxy_pass_request_body off;
                            proxy_set_header Content-Length "";
                            proxy_set_header X-Forwarded-For $remote_addr;
                        }

                        location / {
                            set $patgate_scope "";
                            auth_request /_patgate_verify;
                            auth_request_set $patgate_user $upstream_http_x_auth_user;
                            auth_request_set $patgate_user_id $upstream_http_x_auth_user_id;
                            auth_request_set $patgate_scopes $upstream_http_x_auth_scopes;
                            auth_request_set $patgate_token_id $upstream_http_x_auth_token_id;
                            # set from patgate's answer only: whatever the client sent under these names is overwritten
                            proxy_set_header X-Auth-User $patgate_user;
                            proxy_set_header X-Auth-User-Id $patgate_user_id;
                            proxy_set_header X-Auth-Scopes $patgate_scopes;
                            proxy_set_header X-Auth-Token-Id $patgate_token_id;
                            proxy_pass http://api;
                        }

                        # a route that needs a scope
                        location /deploy/ {
                            set $patgate_scope "?scope=deploy";
                            auth_request /_patgate_verify;
                            auth_request_set $patgate_user $upstream_http_x_auth_user;
                            proxy_set_header X-Auth-User $patgate_user;
                            proxy_pass http://api;
                        }
                    }
                }
                """.formatted(
                        "root".equals(System.getProperty("user.name")) ? "user root;" : "",
                        dir,
                        dir,
                        dir,
                        dir,
                        dir,
                        dir,
                        dir,
                        RestAssured.port,
                        upstream.getAddress().getPort(),
                        nginxPort);
        Path file = dir.resolve("nginx.conf");
        Files.writeString(file, conf);
        nginx = new ProcessBuilder(nginxBinary(), "-c", file.toString(), "-p", dir.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("stdout.log").toFile())
                .start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!listening(nginxPort)) {
            if (!nginx.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("nginx did not start: " + Files.readString(dir.resolve("stdout.log"))
                        + (Files.exists(dir.resolve("error.log")) ? Files.readString(dir.resolve("error.log")) : ""));
            }
            Thread.sleep(50);
        }
    }

    @AfterAll
    static void stop() {
        if (nginx != null) {
            nginx.destroy();
        }
        if (upstream != null) {
            upstream.stop(0);
        }
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + nginxPort + path;
    }

    @Test
    void aValidTokenReachesTheUpstreamWithItsIdentity() {
        Api.TestUser alice = Api.aUser("deploy");
        Api.Issued token = Api.aToken(alice.session(), Map.of());
        given().header("Authorization", "Bearer " + token.value())
                .get(url("/orders/42"))
                .then()
                .statusCode(200)
                .body("user", equalTo(alice.username()))
                .body("scopes", equalTo("deploy"))
                .body("tokenId", equalTo(token.id()))
                .body("path", equalTo("/orders/42"));
        // as a Basic password too
        given().auth()
                .preemptive()
                .basic(alice.username(), token.value())
                .get(url("/orders/42"))
                .then()
                .statusCode(200)
                .body("user", equalTo(alice.username()));
    }

    @Test
    void revokedOrMissingTokensAreStoppedAtTheDoor() {
        String session = Api.aUser("deploy").session();
        Api.Issued token = Api.aToken(session, Map.of());
        given().header("Authorization", "Bearer " + token.value())
                .get(url("/orders"))
                .then()
                .statusCode(200);
        Api.as(session).delete("/api/v1/tokens/" + token.id()).then().statusCode(204);
        given().header("Authorization", "Bearer " + token.value())
                .get(url("/orders"))
                .then()
                .statusCode(401);
        given().get(url("/orders")).then().statusCode(401);
        given().header("Authorization", "Bearer forged.token.value")
                .get(url("/orders"))
                .then()
                .statusCode(401);
    }

    @Test
    void aMissingScopeIs403() {
        Api.TestUser bob = Api.aUser("deploy", "devices:read");
        Api.Issued readOnly = Api.aToken(bob.session(), Map.of("scopes", List.of("devices:read")));
        Api.Issued deployer = Api.aToken(bob.session(), Map.of("scopes", List.of("deploy")));
        given().header("Authorization", "Bearer " + readOnly.value())
                .get(url("/deploy/now"))
                .then()
                .statusCode(403);
        given().header("Authorization", "Bearer " + deployer.value())
                .get(url("/deploy/now"))
                .then()
                .statusCode(200)
                .body("user", equalTo(bob.username()));
    }

    @Test
    void aClientCannotSmuggleItsOwnIdentityHeaders() {
        Api.TestUser mallory = Api.aUser("deploy");
        Api.Issued token = Api.aToken(mallory.session(), Map.of());
        given().header("Authorization", "Bearer " + token.value())
                .header("X-Auth-User", "admin")
                .header("X-Auth-Scopes", "admin")
                .header("X-Auth-Token-Id", "forged")
                .get(url("/orders"))
                .then()
                .statusCode(200)
                .body("user", equalTo(mallory.username()))
                .body("scopes", equalTo("deploy"))
                .body("tokenId", equalTo(token.id()));
        given().header("X-Auth-User", "admin").get(url("/orders")).then().statusCode(401);
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String nginxBinary() {
        return Files.isExecutable(Path.of("/usr/sbin/nginx")) ? "/usr/sbin/nginx" : "nginx";
    }

    private static void ensureNginx() throws Exception {
        if (Files.isExecutable(Path.of("/usr/sbin/nginx"))) {
            return;
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new IllegalStateException(
                    "This test runs a real nginx: install it with `sudo apt-get install nginx-light` (.ci/run does)");
        }
        for (List<String> step : List.of(
                List.of("apt-get", "update", "-qq"),
                List.of("apt-get", "install", "-y", "-qq", "--no-install-recommends", "nginx-light"))) {
            Process p = new ProcessBuilder(step).inheritIO().start();
            if (p.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", step) + " failed");
            }
        }
    }
}
