package io.patgate.exchange;

import static io.patgate.support.Api.isProblem;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.patgate.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /oauth/token} over real HTTP, with subject tokens from a real OpenID provider (mock-oauth2-server, its
 * discovery and JWKS read by patgate as in production, with {@code patgate.oidc.allow-insecure} for plain http on this
 * machine) and the service accounts' two ports played by {@link ExchangeDoubles}. Each test speaks from an address of
 * its own (through the trusted-proxy header), so the refusals one counts do not throttle another.
 */
@QuarkusTest
@TestProfile(TokenExchangeTest.Profile.class)
class TokenExchangeTest {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "patgate.oidc.allow-insecure",
                    "true",
                    "patgate.oidc.fetch-timeout",
                    "20S",
                    "patgate.http.trusted-proxies",
                    "127.0.0.0/8,::1/128",
                    "patgate.oauth.exchange-failures-allowed",
                    "5");
        }

        @Override
        public Set<Class<?>> getEnabledAlternatives() {
            return Set.of(ExchangeDoubles.Trusts.class, ExchangeDoubles.Issuer.class);
        }
    }

    private static final String AUDIENCE = "patgate";
    private static final String SUBJECT = "system:serviceaccount:ci:deployer";
    private static final AtomicInteger ADDRESSES = new AtomicInteger(1);

    private static MockOAuth2Server provider;
    private static Trust trust;

    @BeforeAll
    static void start() throws Exception {
        provider = new MockOAuth2Server();
        provider.start();
        HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(
                                        provider.wellKnownUrl("cluster").toString()))
                                .build(),
                        HttpResponse.BodyHandlers.discarding()); // warm it up
        trust = new Trust(
                UUID.randomUUID(),
                UUID.randomUUID(),
                provider.issuerUrl("cluster").toString(),
                AUDIENCE,
                "system:serviceaccount:ci:*",
                Map.of("/kubernetes.io/namespace", "ci"),
                900,
                null);
        ExchangeDoubles.Trusts.ALL.add(trust);
        ExchangeDoubles.Issuer.ROLES.put(trust.accountId(), List.of("deploy", "read"));
    }

    @AfterAll
    static void stop() {
        ExchangeDoubles.Trusts.ALL.clear();
        provider.shutdown();
    }

    /** A Kubernetes-like projected token of the provider. */
    private static String subjectToken(String subject, String audience, long expirySeconds) {
        return provider.issueToken(
                        "cluster", subject, audience, Map.of("kubernetes.io", Map.of("namespace", "ci")), expirySeconds)
                .serialize();
    }

    /** A request from an address no other test uses. */
    private static RequestSpecification from() {
        return given().header("X-Forwarded-For", "203.0.113." + ADDRESSES.getAndIncrement())
                .contentType(ContentType.URLENC);
    }

    private static ValidatableResponse exchange(RequestSpecification request, String token, String... more) {
        request.formParam("grant_type", TokenExchange.GRANT_TYPE)
                .formParam("subject_token", token)
                .formParam("subject_token_type", TokenExchange.JWT);
        for (int i = 0; i < more.length; i += 2) {
            request.formParam(more[i], more[i + 1]);
        }
        return request.post("/oauth/token").then();
    }

    private static ValidatableResponse isError(ValidatableResponse response, String error) {
        return response.statusCode(400)
                .contentType(ContentType.JSON)
                .header("Cache-Control", "no-store")
                .body("error", equalTo(error));
    }

    @Test
    void aKubernetesTokenIsExchangedForOneOfTheAccountsRoles() {
        exchange(from(), subjectToken(SUBJECT, AUDIENCE, 3600))
                .statusCode(200)
                .contentType(ContentType.JSON)
                .header("Cache-Control", "no-store")
                .header("Pragma", "no-cache")
                .body("access_token", org.hamcrest.Matchers.startsWith("exchanged-"))
                .body("issued_token_type", equalTo("urn:ietf:params:oauth:token-type:access_token"))
                .body("token_type", equalTo("Bearer"))
                .body("expires_in", allOf(greaterThan(890), lessThanOrEqualTo(900)))
                .body("scope", equalTo("deploy read"));
        ExchangeDoubles.Issuer.Asked asked = ExchangeDoubles.Issuer.ASKED.get(ExchangeDoubles.Issuer.ASKED.size() - 1);
        assertEquals(trust, asked.accepted().trust());
        assertEquals(SUBJECT, asked.accepted().subject());
        // the id_token type is taken alike
        from().formParam("grant_type", TokenExchange.GRANT_TYPE)
                .formParam("subject_token", subjectToken(SUBJECT, AUDIENCE, 600))
                .formParam("subject_token_type", TokenExchange.ID_TOKEN)
                .post("/oauth/token")
                .then()
                .statusCode(200);
    }

    @Test
    void theIssuedTokenNeverOutlivesTheSubjectToken() {
        exchange(from(), subjectToken(SUBJECT, AUDIENCE, 120))
                .statusCode(200)
                .body("expires_in", lessThanOrEqualTo(120));
        Instant notAfter = ExchangeDoubles.Issuer.ASKED
                .get(ExchangeDoubles.Issuer.ASKED.size() - 1)
                .notAfter();
        assertTrue(notAfter.isBefore(Instant.now().plusSeconds(121)), notAfter.toString());
    }

    @Test
    void aScopeWithinTheRolesIsGrantedAndOneBeyondIsInvalidScope() {
        exchange(from(), subjectToken(SUBJECT, AUDIENCE, 600), "scope", "read")
                .statusCode(200)
                .body("scope", equalTo("read"));
        isError(exchange(from(), subjectToken(SUBJECT, AUDIENCE, 600), "scope", "read admin"), "invalid_scope")
                .body("error_description", equalTo("the scope asked for is beyond the service account's roles"));
        isError(exchange(from(), subjectToken(SUBJECT, AUDIENCE, 600), "scope", "read \"quoted\""), "invalid_scope");
    }

    @Test
    void malformedRequestsAreInvalidRequestOrUnsupportedGrantType() {
        String token = subjectToken(SUBJECT, AUDIENCE, 600);
        isError(from().formParam("subject_token", token).post("/oauth/token").then(), "invalid_request")
                .body("error_description", equalTo("grant_type is missing"));
        isError(
                from().formParam("grant_type", "client_credentials")
                        .post("/oauth/token")
                        .then(),
                "unsupported_grant_type");
        isError(
                        from().formParam("grant_type", TokenExchange.GRANT_TYPE)
                                .formParam("subject_token_type", TokenExchange.JWT)
                                .post("/oauth/token")
                                .then(),
                        "invalid_request")
                .body("error_description", equalTo("subject_token is missing"));
        isError(
                        from().formParam("grant_type", TokenExchange.GRANT_TYPE)
                                .formParam("subject_token", token)
                                .post("/oauth/token")
                                .then(),
                        "invalid_request")
                .body("error_description", equalTo("subject_token_type is missing"));
        isError(
                from().formParam("grant_type", TokenExchange.GRANT_TYPE)
                        .formParam("subject_token", token)
                        .formParam("subject_token_type", "urn:ietf:params:oauth:token-type:saml2")
                        .post("/oauth/token")
                        .then(),
                "invalid_request");
        isError(exchange(from(), token, "subject_token", token), "invalid_request")
                .body("error_description", equalTo("subject_token is given more than once"));
        isError(exchange(from(), token, "actor_token", token), "invalid_request");
        isError(
                exchange(from(), token, "requested_token_type", "urn:ietf:params:oauth:token-type:refresh_token"),
                "invalid_request");
        // not a form at all: a problem, as every other endpoint answers a body it cannot read
        isProblem(
                given().contentType(ContentType.JSON)
                        .body("{}")
                        .post("/oauth/token")
                        .then(),
                415);
    }

    @Test
    void subjectTokensThatDoNotHoldAreInvalidGrant() {
        String notTrusted = "the subject token is not trusted by any service account";
        isError(exchange(from(), "not-a-jwt"), "invalid_grant")
                .body("error_description", equalTo("the subject token is not a signed JWT"));
        isError(exchange(from(), subjectToken(SUBJECT, AUDIENCE, -120)), "invalid_grant")
                .body("error_description", equalTo("the subject token has expired"));
        isError(exchange(from(), subjectToken(SUBJECT, "kubernetes", 600)), "invalid_grant")
                .body("error_description", equalTo(notTrusted));
        isError(exchange(from(), subjectToken("system:serviceaccount:prod:deployer", AUDIENCE, 600)), "invalid_grant")
                .body("error_description", equalTo(notTrusted));
        String otherIssuer = provider.issueToken("elsewhere", SUBJECT, AUDIENCE, Map.of(), 600L)
                .serialize();
        isError(exchange(from(), otherIssuer), "invalid_grant").body("error_description", equalTo(notTrusted));
    }

    @Test
    void aDisabledAccountsTrustIssuesNothing() {
        Trust disabled = new Trust(
                UUID.randomUUID(), UUID.randomUUID(), trust.issuer(), "patgate-disabled", "*", Map.of(), 900, null);
        ExchangeDoubles.Trusts.ALL.add(disabled);
        ExchangeDoubles.Issuer.ROLES.put(disabled.accountId(), List.of("deploy"));
        ExchangeDoubles.Issuer.DISABLED.add(disabled.accountId());
        try {
            isError(exchange(from(), subjectToken(SUBJECT, "patgate-disabled", 600)), "invalid_grant")
                    .body("error_description", equalTo("the subject token is not trusted by any service account"));
        } finally {
            ExchangeDoubles.Trusts.ALL.remove(disabled);
        }
    }

    @Test
    void refusedExchangesFromOneAddressAreThrottledGoodOnesNever() {
        String address = "198.51.100.7";
        String good = subjectToken(SUBJECT, AUDIENCE, 600);
        for (int i = 0; i < 12; i++) {
            exchange(given().header("X-Forwarded-For", address).contentType(ContentType.URLENC), good)
                    .statusCode(200);
        }
        for (int i = 0; i < 5; i++) {
            isError(
                    exchange(given().header("X-Forwarded-For", address).contentType(ContentType.URLENC), "forged"),
                    "invalid_grant");
        }
        isProblem(exchange(given().header("X-Forwarded-For", address).contentType(ContentType.URLENC), good), 429)
                .header("Retry-After", org.hamcrest.Matchers.notNullValue());
        // another address is not held back
        exchange(from(), good).statusCode(200);
    }

    @Test
    void everyExchangeIsCountedByOutcome() {
        double issued = Api.metric("patgate_exchanges_total{outcome=\"issued\"}");
        double expired = Api.metric("patgate_exchanges_total{outcome=\"expired\"}");
        double audience = Api.metric("patgate_exchanges_total{outcome=\"wrong_audience\"}");
        exchange(from(), subjectToken(SUBJECT, AUDIENCE, 600)).statusCode(200);
        exchange(from(), subjectToken(SUBJECT, AUDIENCE, -120)).statusCode(400);
        exchange(from(), subjectToken(SUBJECT, "someone-else", 600)).statusCode(400);
        assertEquals(issued + 1, Api.metric("patgate_exchanges_total{outcome=\"issued\"}"));
        assertEquals(expired + 1, Api.metric("patgate_exchanges_total{outcome=\"expired\"}"));
        assertEquals(audience + 1, Api.metric("patgate_exchanges_total{outcome=\"wrong_audience\"}"));
        // every outcome's series is there from the start
        String text = Api.management()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        for (ExchangeOutcome outcome : ExchangeOutcome.values()) {
            assertTrue(text.contains("patgate_exchanges_total{outcome=\"" + outcome.label() + "\"}"), outcome.label());
        }
    }
}
