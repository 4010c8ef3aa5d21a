package io.patgate.exchange;

import static io.patgate.support.Api.as;
import static io.patgate.support.Api.isProblem;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.patgate.identity.TrustState;
import io.patgate.identity.WorkloadTrust;
import io.patgate.replica.ReadPool;
import io.patgate.store.TrustRows;
import io.patgate.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole exchange as a job sees it, with nothing stood in: a real OpenID provider (mock-oauth2-server) signs a
 * Kubernetes-like token; an admin makes a service account and trusts that provider through the API; the job trades its
 * token at {@code POST /oauth/token} and calls {@code /auth/verify} and the API with what it got; then the kill switches
 * (the trust removed, the account disabled) end that token on its very next request, and the exchange is audited.
 */
@QuarkusTest
@TestProfile(io.patgate.support.BehindAProxy.class)
class WorkloadExchangeTest {

    private static final String ACCOUNTS = "/api/v1/service-accounts";

    private static String namespace() {
        return "ns-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static final AtomicInteger ADDRESSES = new AtomicInteger(1);
    private static MockOAuth2Server provider;

    @Inject
    TrustState trustsInMemory;

    @Inject
    ReadPool pools;

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

    /** A Kubernetes-like token of service account {@code sa} in namespace {@code ns}. */
    private static String subjectToken(String ns, String sa) {
        return provider.issueToken(
                        "cluster",
                        "system:serviceaccount:" + ns + ":" + sa,
                        "patgate",
                        Map.of("kubernetes.io", Map.of("namespace", ns)),
                        3600L)
                .serialize();
    }

    /**
     * A service account with roles deploy and read, trusting the provider's service accounts of namespace {@code ns} (each
     * test its own, so no other test's trust entry can match its tokens); returns {account, trust}.
     */
    private static String[] trustedAccount(String ns) {
        String admin = Api.adminSession();
        String account = as(admin)
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "name",
                        "job-" + UUID.randomUUID().toString().substring(0, 8),
                        "roles",
                        List.of("deploy", "read")))
                .post(ACCOUNTS)
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        String trust = as(admin)
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "issuer",
                        provider.issuerUrl("cluster").toString(),
                        "audience",
                        "patgate",
                        "subject",
                        "system:serviceaccount:" + ns + ":*",
                        "claims",
                        Map.of("/kubernetes.io/namespace", ns),
                        "maxTtlSeconds",
                        600))
                .post(ACCOUNTS + "/" + account + "/trust")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        return new String[] {account, trust};
    }

    private static ValidatableResponse exchange(String subjectToken, String... more) {
        var request = given().header("X-Forwarded-For", "198.51.100." + ADDRESSES.getAndIncrement())
                .contentType(ContentType.URLENC)
                .formParam("grant_type", TokenExchange.GRANT_TYPE)
                .formParam("subject_token", subjectToken)
                .formParam("subject_token_type", TokenExchange.JWT);
        for (int i = 0; i < more.length; i += 2) {
            request.formParam(more[i], more[i + 1]);
        }
        return request.post("/oauth/token").then();
    }

    @Test
    void aJobTradesItsIdentityForAShortTokenOfTheAccountAndUsesItLikeAnyOther() {
        String ns = namespace();
        String[] made = trustedAccount(ns);
        JsonPath issued = exchange(subjectToken(ns, "deployer"), "scope", "deploy")
                .statusCode(200)
                .body("token_type", equalTo("Bearer"))
                .body("scope", equalTo("deploy"))
                .body("expires_in", lessThanOrEqualTo(600))
                .extract()
                .jsonPath();
        String token = issued.getString("access_token");
        JsonPath me = as(token)
                .get("/api/v1/me")
                .then()
                .statusCode(200)
                .body("id", equalTo(made[0]))
                .body("authMethod", equalTo("exchange"))
                .body("scopes", equalTo(List.of("deploy")))
                .extract()
                .jsonPath();
        as(token)
                .get("/auth/verify?scope=deploy")
                .then()
                .statusCode(200)
                .header("X-Auth-User-Id", made[0])
                .header("X-Auth-Scopes", "deploy");
        isProblem(as(token).get("/auth/verify?scope=read").then(), 403); // asked for deploy only
        // audited, with the outside identity and the trust that let it in; never the value
        as(Api.adminSession())
                .get("/api/v1/audit?username=" + me.getString("username"))
                .then()
                .statusCode(200)
                .body("action", hasItem("token.exchanged"));
        String audit = as(Api.adminSession())
                .get("/api/v1/audit?username=" + me.getString("username"))
                .asString();
        assertFalse(audit.contains(token), "the issued value is never in the audit log");
        // not a personal access token: it cannot rotate itself, nor change an account
        as(token)
                .contentType(ContentType.JSON)
                .body(Map.of())
                .post("/api/v1/tokens/self/rotate")
                .then()
                .statusCode(403);
    }

    @Test
    void aScopeBeyondTheAccountsRolesIsInvalidScope() {
        String ns = namespace();
        trustedAccount(ns);
        exchange(subjectToken(ns, "deployer"), "scope", "deploy admin")
                .statusCode(400)
                .body("error", equalTo("invalid_scope"));
    }

    @Test
    void removingTheTrustEndsItsTokensOnTheirNextRequest() {
        String ns = namespace();
        String[] made = trustedAccount(ns);
        String token =
                exchange(subjectToken(ns, "deployer")).statusCode(200).extract().path("access_token");
        as(token).get("/auth/verify").then().statusCode(200).header("X-Auth-User-Id", made[0]);
        as(Api.adminSession())
                .delete(ACCOUNTS + "/" + made[0] + "/trust/" + made[1])
                .then()
                .statusCode(204);
        isProblem(as(token).get("/auth/verify").then(), 401);
        exchange(subjectToken(ns, "deployer")).statusCode(400).body("error", equalTo("invalid_grant"));
    }

    @Test
    void disablingTheAccountEndsItsTokensAndItsExchanges() {
        String ns = namespace();
        String[] made = trustedAccount(ns);
        String token =
                exchange(subjectToken(ns, "deployer")).statusCode(200).extract().path("access_token");
        as(token).get("/api/v1/me").then().statusCode(200).body("id", equalTo(made[0]));
        as(Api.adminSession())
                .contentType(ContentType.JSON)
                .body(Map.of("disabled", true))
                .patch(ACCOUNTS + "/" + made[0])
                .then()
                .statusCode(200);
        isProblem(as(token).get("/auth/verify").then(), 401);
        isProblem(as(token).get("/api/v1/me").then(), 401);
        exchange(subjectToken(ns, "deployer")).statusCode(400).body("error", equalTo("invalid_grant"));
    }

    @Test
    void anotherSubjectOrAnotherAudienceIsRefused() {
        String ns = namespace();
        trustedAccount(ns);
        exchange(subjectToken(namespace(), "deployer")).statusCode(400).body("error", equalTo("invalid_grant"));
        String otherAudience = provider.issueToken(
                        "cluster",
                        "system:serviceaccount:" + ns + ":deployer",
                        "someone-else",
                        Map.of("kubernetes.io", Map.of("namespace", ns)),
                        600L)
                .serialize();
        exchange(otherAudience).statusCode(400).body("error", equalTo("invalid_grant"));
    }

    /**
     * A replica whose change feed has not brought a trust yet (made a moment ago through another replica, say) reads
     * the issuer's entries from the primary before it refuses: the job's first exchange works wherever it lands.
     * Memory is set back to a snapshot without the new entry, as a replica that never heard of it would hold.
     */
    @Test
    void aTrustThisReplicaHasNotHeardOfYetIsReadFromThePrimaryBeforeARefusal() {
        String ns = namespace();
        String[] created = trustedAccount(ns);
        UUID trust = UUID.fromString(created[1]);
        List<WorkloadTrust> others = pools.primary()
                .preparedQuery("select " + TrustRows.COLUMNS
                        + " from service_account_trust where removed_at is null and id <> $1")
                .execute(Tuple.of(trust))
                .map(rows -> {
                    List<WorkloadTrust> live = new java.util.ArrayList<>();
                    rows.forEach(row -> live.add(TrustRows.state(row)));
                    return live;
                })
                .await()
                .indefinitely();
        trustsInMemory.load(others);
        org.junit.jupiter.api.Assertions.assertNull(trustsInMemory.trust(trust), "memory does not know the trust");

        exchange(subjectToken(ns, "deployer")).statusCode(200).body("token_type", equalTo("Bearer"));
        org.junit.jupiter.api.Assertions.assertNotNull(trustsInMemory.trust(trust), "and now holds it");

        // a removal stays a refusal: the primary holds no live entry either
        as(Api.adminSession())
                .delete(ACCOUNTS + "/" + created[0] + "/trust/" + trust)
                .then()
                .statusCode(204);
        exchange(subjectToken(ns, "deployer")).statusCode(400).body("error", equalTo("invalid_grant"));
    }
}
