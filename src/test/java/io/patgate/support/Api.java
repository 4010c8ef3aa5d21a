package io.patgate.support;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Test fixtures that talk to the service the way a client does: over HTTP. */
public final class Api {

    public static final String ADMIN_PASSWORD = "admin-test-password";
    public static final String PASSWORD = "a perfectly fine password";

    private Api() {}

    public static String login(String username, String password) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("username", username, "password", password))
                .post("/api/v1/auth/login")
                .then()
                .statusCode(200)
                .extract()
                .path("token");
    }

    public static String adminSession() {
        return login("admin", ADMIN_PASSWORD);
    }

    /** The management interface (health, metrics), on a port of its own. */
    public static RequestSpecification management() {
        // the port the management interface got, published by Quarkus once it listens
        int port = Integer.parseInt(System.getProperty(
                "quarkus.management.test-port",
                org.eclipse.microprofile.config.ConfigProvider.getConfig()
                        .getOptionalValue("quarkus.management.test-port", String.class)
                        .orElse("9001")));
        return given().port(port);
    }

    /** The value of one series in the management port's Prometheus text, or 0 when it is absent. */
    public static double metric(String series) {
        String text =
                management().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String line : text.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        return 0;
    }

    public static RequestSpecification as(String bearer) {
        return given().header("Authorization", "Bearer " + bearer);
    }

    /** A fresh user with a unique name; returns its id and name. */
    public static TestUser aUser(String... roles) {
        String name = "user-" + UUID.randomUUID().toString().substring(0, 8);
        String id = as(adminSession())
                .contentType(ContentType.JSON)
                .body(Map.of("username", name, "password", PASSWORD, "roles", List.of(roles)))
                .post("/api/v1/users")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        return new TestUser(id, name);
    }

    public record TestUser(String id, String username) {
        public String session() {
            return login(username, PASSWORD);
        }
    }

    /** Creates a token with the given body (as a map) using {@code credential}; returns the whole answer. */
    public static io.restassured.path.json.JsonPath createToken(String credential, Map<String, ?> body) {
        return as(credential)
                .contentType(ContentType.JSON)
                .body(body)
                .post("/api/v1/tokens")
                .then()
                .statusCode(201)
                .extract()
                .jsonPath();
    }

    /** A token named uniquely, with default settings plus {@code extra}; returns {id, token}. */
    public static Issued aToken(String credential, Map<String, ?> extra) {
        Map<String, Object> body = new java.util.HashMap<>(extra);
        body.putIfAbsent("name", "t-" + UUID.randomUUID());
        var json = createToken(credential, body);
        return new Issued(json.getString("id"), json.getString("token"));
    }

    public record Issued(String id, String value) {}

    /** Sends the same request from {@code n} threads at once; returns the status codes. */
    public static List<Integer> concurrently(int n, java.util.concurrent.Callable<Integer> request) throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(n);
        try {
            List<Integer> codes = new java.util.ArrayList<>();
            for (var f : pool.invokeAll(java.util.Collections.nCopies(n, request))) {
                codes.add(f.get());
            }
            return codes;
        } finally {
            pool.shutdownNow();
        }
    }

    /** A request that gives up after a few seconds instead of waiting for ever (for tests that freeze the database). */
    public static RequestSpecification quick(String bearer) {
        return given().config(io.restassured.config.RestAssuredConfig.config()
                        .httpClient(io.restassured.config.HttpClientConfig.httpClientConfig()
                                .setParam("http.socket.timeout", 5000)
                                .setParam("http.connection.timeout", 5000)))
                .header("Authorization", "Bearer " + bearer);
    }

    /** Every error is a problem document with the status it was answered with. */
    public static ValidatableResponse isProblem(ValidatableResponse response, int status) {
        return response.statusCode(status)
                .contentType("application/problem+json")
                .body("status", org.hamcrest.Matchers.equalTo(status))
                .body("type", org.hamcrest.Matchers.startsWith("urn:patgate:problem:"))
                .body("title", org.hamcrest.Matchers.notNullValue());
    }
}
