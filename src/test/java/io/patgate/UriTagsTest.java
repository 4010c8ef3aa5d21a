package io.patgate;

import static io.patgate.support.Api.as;
import static io.restassured.RestAssured.given;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.*;

import io.patgate.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Security review, issue 25, finding 7: the HTTP metrics keep at most 100 values of their {@code uri} tag and measure
 * nothing new after that. Paths a client makes up ({@code /auth/verify/<anything>}, which Envoy's ext_authz appends
 * to, unknown paths, refused uploads) must not spend them, or routes first called later are never measured. A
 * registry of its own (a profile of its own starts a fresh application), so the test knows what it starts from.
 */
@QuarkusTest
@TestProfile(UriTagsTest.FreshRegistry.class)
class UriTagsTest {

    /** No setting changed: a profile of its own only so that this class starts with an empty metrics registry. */
    public static class FreshRegistry implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of();
        }
    }

    private static final Pattern SERIES =
            Pattern.compile("^http_server_requests_seconds_count\\{(.*)} \\S+$", Pattern.MULTILINE);
    private static final Pattern URI = Pattern.compile("\\buri=\"([^\"]*)\"");
    private static final Pattern STATUS = Pattern.compile("\\bstatus=\"([^\"]*)\"");

    /** Each series of the HTTP server metrics on the management port, as "uri status". */
    private static Set<String> series() {
        String text = Api.management()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        Set<String> series = new TreeSet<>();
        Matcher m = SERIES.matcher(text);
        while (m.find()) {
            Matcher uri = URI.matcher(m.group(1));
            Matcher status = STATUS.matcher(m.group(1));
            if (uri.find() && status.find()) {
                series.add(uri.group(1) + " " + status.group(1));
            }
        }
        return series;
    }

    /** A request as it is written, for what an HTTP client library would refuse to send; the answer as text. */
    private static String raw(String request) {
        try (java.net.Socket socket = new java.net.Socket("localhost", io.restassured.RestAssured.port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void pathsClientsMakeUpDoNotUseUpTheUriTags() {
        String marker = "made-up-" + UUID.randomUUID().toString().substring(0, 8);
        String token = Api.aToken(Api.aUser("deploy").session(), Map.of()).value();
        for (int i = 0; i < 150; i++) {
            // Envoy ext_authz appends the original path: any path below /auth/verify is the same check
            given().get("/auth/verify/" + marker + "/" + i).then().statusCode(401);
            as(token).get("/auth/verify/" + marker + "/ok/" + i).then().statusCode(200);
        }
        for (int i = 0; i < 20; i++) {
            given().get("/" + marker + "/" + i).then().statusCode(404);
            given().get("/ui/" + marker + "-" + i + ".js").then().statusCode(404);
            given().get("/api/v1/" + marker + "/" + i).then().statusCode(404);
            given().get("/oauth/" + marker + "/" + i).then().statusCode(404);
            as(token).get("/api/v1/tokens/" + marker + "-" + i).then().statusCode(404);
            // refused before any route: a declared body over the limit, a Content-Length that is no number
            given().contentType(ContentType.JSON)
                    .body("x".repeat(70 * 1024))
                    .post("/" + marker + "/upload/" + i)
                    .then()
                    .statusCode(413);
            assertThat(
                    raw("GET /" + marker + "/%zz/" + i + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"),
                    startsWith("HTTP/1.1 400"));
            // not even read by the HTTP codec: no route ever sees it
            assertThat(
                    raw("POST /" + marker + "/length/" + i + " HTTP/1.1\r\nHost: localhost\r\nContent-Length: many\r\n"
                            + "Connection: close\r\n\r\n"),
                    startsWith("HTTP/1.1 400"));
        }
        // a route no request has met yet in this application is still measured, and an endpoint's own 400 keeps its
        // name
        as(token).get("/api/v1/policy").then().statusCode(200);
        as(token)
                .contentType(ContentType.JSON)
                .body("{")
                .post("/api/v1/tokens")
                .then()
                .statusCode(400);

        Set<String> series = series();
        assertThat(
                series,
                hasItems(
                        "/auth/verify 401",
                        "/auth/verify 200",
                        "/api/v1/policy 200",
                        "/api/v1/tokens/{id} 404",
                        "/api/v1/tokens 400",
                        "NOT_FOUND 404",
                        "/{unrouted} 400",
                        "/{unrouted} 413"));
        assertThat(series.stream().filter(s -> s.contains(marker)).toList(), empty());
        Set<String> uris = new TreeSet<>(
                series.stream().map(s -> s.substring(0, s.lastIndexOf(' '))).toList());
        assertThat("uri tags: " + uris, uris.size(), lessThan(30));
    }
}
