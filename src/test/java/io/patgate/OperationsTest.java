package io.patgate;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.*;

import io.patgate.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
class OperationsTest {

    @Test
    void readyOnceTheStateIsLoaded() {
        Api.management()
                .get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'patgate-state' }.status", equalTo("UP"));
        Api.management().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void healthAndMetricsAreOnlyOnTheManagementPortNeverBehindTheApisIngress() {
        for (String path : new String[] {"/q/metrics", "/q/health", "/q/health/ready", "/q/health/live"}) {
            given().get(path).then().statusCode(404);
        }
        Api.management().get("/q/metrics").then().statusCode(200).body(containsString("patgate_checks_total"));
        // the API's own description stays with the API
        given().get("/q/openapi").then().statusCode(200);
        Api.management().get("/api/v1/me").then().statusCode(404);
    }

    @Test
    void jwksPublishesOnlyPublicEs256Keys() {
        given().get("/.well-known/jwks.json")
                .then()
                .statusCode(200)
                .contentType(containsString("json"))
                .header("Cache-Control", containsString("max-age"))
                .body("keys.size()", greaterThanOrEqualTo(1))
                .body("keys[0].kty", equalTo("EC"))
                .body("keys[0].crv", equalTo("P-256"))
                .body("keys[0].alg", equalTo("ES256"))
                .body("keys[0].use", equalTo("sig"))
                .body("keys[0].kid", not(emptyOrNullString()))
                .body("keys[0]", not(hasKey("d")));
    }

    @Test
    void openApiDocumentsEveryEndpoint() {
        String spec = given().queryParam("format", "json")
                .get("/q/openapi")
                .then()
                .statusCode(200)
                .extract()
                .body()
                .asString();
        for (String path : new String[] {
            "/api/v1/auth/login",
            "/api/v1/auth/logout",
            "/api/v1/me",
            "/api/v1/users",
            "/api/v1/users/{id}",
            "/.well-known/jwks.json",
            "/api/v1/tokens",
            "/api/v1/tokens/{id}",
            "/api/v1/tokens/{id}/regenerate",
            "/api/v1/tokens/self",
            "/api/v1/admin/tokens",
            "/auth/verify",
            "/oauth/introspect",
            "/oauth/revoke",
            "/oauth/token",
            "/api/v1/audit",
            "/api/v1/admin/keys",
            "/api/v1/admin/keys/rotate",
            "/api/v1/me/notices",
            "/api/v1/me/password",
            "/api/v1/admin/webhooks",
            "/api/v1/admin/webhooks/{id}",
            "/api/v1/admin/webhooks/{id}/deliveries",
            "/api/v1/admin/webhooks/{id}/deliveries/{deliveryId}/redeliver",
            "/api/v1/email-confirmations",
            "/api/v1/me/notices/confirmation"
        }) {
            org.hamcrest.MatcherAssert.assertThat(spec, containsString("\"" + path + "\""));
        }
        org.hamcrest.MatcherAssert.assertThat(spec, containsString("\"examples\""));
        org.hamcrest.MatcherAssert.assertThat(spec, containsString("\"bearer\""));
        // a token retired for disuse says so
        io.restassured.path.json.JsonPath json = io.restassured.path.json.JsonPath.from(spec);
        org.hamcrest.MatcherAssert.assertThat(
                json.getList("components.schemas.Token.properties.revokedReason.enum"),
                org.hamcrest.Matchers.hasItem("unused"));
        // a webhook delivery (OpenAPI 3.1 webhooks): its headers, the timestamp among them; and the secret's overlap
        org.hamcrest.MatcherAssert.assertThat(
                json.getList("webhooks.notice.post.parameters.name"),
                org.hamcrest.Matchers.hasItems(
                        "X-Patgate-Event", "X-Patgate-Delivery", "X-Patgate-Timestamp", "X-Patgate-Signature-256"));
        org.hamcrest.MatcherAssert.assertThat(
                json.getMap("components.schemas.Webhook.properties"),
                org.hamcrest.Matchers.hasKey("previousSecretValidUntil"));
        org.hamcrest.MatcherAssert.assertThat(
                json.getMap("components.schemas.UpdateWebhook.properties"),
                org.hamcrest.Matchers.hasKey("dropPreviousSecret"));
        // an address's confirmation, and a webhook's circuit breaker, are described
        for (String field : new String[] {
            "NoticeSettings.properties.emailConfirmed",
            "NoticeSettings.properties.confirmationSentAt",
            "User.properties.emailConfirmed",
            "Webhook.properties.breaker",
            "WebhookBreaker.properties.state",
            "Delivery.properties.heldByBreaker",
            "EmailConfirmation.properties.token"
        }) {
            org.hamcrest.MatcherAssert.assertThat(
                    field, json.getMap("components.schemas." + field), org.hamcrest.Matchers.notNullValue());
        }
        org.hamcrest.MatcherAssert.assertThat(
                json.getList("components.schemas.WebhookBreaker.properties.state.enum"),
                org.hamcrest.Matchers.contains("closed", "open", "half-open"));
    }

    @Test
    void metricsArePrometheus() {
        Api.management().get("/q/metrics").then().statusCode(200).body(containsString("http_server_requests"));
    }
}
