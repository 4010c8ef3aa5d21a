package io.patgate.account;

import static io.patgate.account.ServiceAccountsTest.ACCOUNTS;
import static io.patgate.support.Api.as;
import static io.patgate.support.Api.isProblem;
import static org.hamcrest.Matchers.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.patgate.identity.TrustState;
import io.patgate.identity.WorkloadTrust;
import io.patgate.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.OctJwkGenerator;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.keys.EllipticCurves;
import org.junit.jupiter.api.Test;

/** Trust entries: what may be trusted, who may change it, and that every replica's memory follows at once. */
@QuarkusTest
class TrustEntriesTest {

    private static final String GITHUB = "https://token.actions.githubusercontent.com";

    @Inject
    TrustState trusts;

    @Inject
    io.vertx.mutiny.sqlclient.Pool pool;

    private static Map<String, Object> body(Object... pairs) {
        Map<String, Object> body =
                new HashMap<>(Map.of("issuer", GITHUB, "audience", "patgate", "subject", "repo:acme/app:*"));
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i + 1] == null) {
                body.remove((String) pairs[i]);
            } else {
                body.put((String) pairs[i], pairs[i + 1]);
            }
        }
        return body;
    }

    private static io.restassured.response.ValidatableResponse add(
            String session, String account, Map<String, Object> body) {
        return as(session)
                .contentType(ContentType.JSON)
                .body(body)
                .post(ACCOUNTS + "/" + account + "/trust")
                .then();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> jwk(JsonWebKey key, JsonWebKey.OutputControlLevel level) {
        return (Map<String, Object>) (Map<?, ?>) key.toParams(level);
    }

    @Test
    void aManagerTrustsAnIdentityAndEveryReplicasMemoryHoldsIt() {
        Api.TestUser manager = Api.aUser();
        String account = ServiceAccountsTest.anAccount(List.of("deploy"), List.of(manager.username()))
                .getString("id");
        String session = manager.session();
        JsonPath created = add(
                        session, account, body("claims", Map.of("repository", "acme/app", "ref", "refs/heads/main")))
                .statusCode(201)
                .header("Location", containsString("/trust/"))
                .body("issuer", equalTo(GITHUB))
                .body("audience", equalTo("patgate"))
                .body("subject", equalTo("repo:acme/app:*"))
                .body("claims.repository", equalTo("acme/app"))
                .body("claims.ref", equalTo("refs/heads/main"))
                .body("maxTtlSeconds", equalTo(900))
                .body("jwks", nullValue())
                .body("createdBy", equalTo(manager.username()))
                .extract()
                .jsonPath();
        UUID id = UUID.fromString(created.getString("id"));
        as(session)
                .get(ACCOUNTS + "/" + account + "/trust")
                .then()
                .statusCode(200)
                .body("id", contains(id.toString()));

        WorkloadTrust held = trusts.trust(id);
        assertNotNull(held, "held in memory once created");
        assertEquals(UUID.fromString(account), held.accountId());
        assertTrue(held.matches(
                GITHUB,
                List.of("patgate"),
                "repo:acme/app:ref:refs/heads/main",
                Map.of("repository", "acme/app", "ref", "refs/heads/main")));
        assertTrue(trusts.forIssuer(GITHUB).contains(held));

        // disabling the account takes its entries out of play; enabling brings them back
        as(session)
                .contentType(ContentType.JSON)
                .body(Map.of("disabled", true))
                .patch(ACCOUNTS + "/" + account)
                .then()
                .statusCode(200);
        assertNull(trusts.trust(id));
        assertTrue(trusts.forIssuer(GITHUB).stream().noneMatch(t -> t.id().equals(id)));
        as(session)
                .contentType(ContentType.JSON)
                .body(Map.of("disabled", false))
                .patch(ACCOUNTS + "/" + account)
                .then()
                .statusCode(200);
        assertNotNull(trusts.trust(id));

        as(session).delete(ACCOUNTS + "/" + account + "/trust/" + id).then().statusCode(204);
        assertNull(trusts.trust(id));
        isProblem(as(session).delete(ACCOUNTS + "/" + account + "/trust/" + id).then(), 404);
        as(session)
                .get(ACCOUNTS + "/" + account + "/trust")
                .then()
                .statusCode(200)
                .body("$", empty());

        // deleting the account removes what it still trusts
        String kept = add(session, account, body()).statusCode(201).extract().path("id");
        as(Api.adminSession()).delete(ACCOUNTS + "/" + account).then().statusCode(204);
        assertNull(trusts.trust(UUID.fromString(kept)));
    }

    @Test
    void anotherAccountsEntryIs404AndStrangersSeeNothing() {
        Api.TestUser manager = Api.aUser();
        String mine = ServiceAccountsTest.anAccount(List.of("deploy"), List.of(manager.username()))
                .getString("id");
        String other =
                ServiceAccountsTest.anAccount(List.of("deploy"), List.of()).getString("id");
        String admin = Api.adminSession();
        String theirs = add(admin, other, body()).statusCode(201).extract().path("id");
        // an entry of another account, through an account the manager does manage
        isProblem(
                as(manager.session())
                        .delete(ACCOUNTS + "/" + mine + "/trust/" + theirs)
                        .then(),
                404);
        isProblem(
                as(manager.session())
                        .delete(ACCOUNTS + "/" + other + "/trust/" + theirs)
                        .then(),
                404);
        isProblem(add(manager.session(), other, body()), 404);
        isProblem(
                as(Api.aUser().session()).get(ACCOUNTS + "/" + mine + "/trust").then(), 404);
        assertNotNull(trusts.trust(UUID.fromString(theirs)), "still trusted");
    }

    @Test
    void whatCannotBeTrustedIs400NamingTheField() throws Exception {
        String session = Api.adminSession();
        String account =
                ServiceAccountsTest.anAccount(List.of("deploy"), List.of()).getString("id");
        Object[][] refused = {
            {"issuer", new Object[] {"issuer", "http://issuer.example"}},
            {"issuer", new Object[] {"issuer", "not a url"}},
            {"issuer", new Object[] {"issuer", "/relative/path"}},
            {"issuer", new Object[] {"issuer", "ftp://issuer.example"}},
            {"issuer", new Object[] {"issuer", "https://issuer.example/?tenant=a"}},
            {"issuer", new Object[] {"issuer", "https://user@issuer.example"}},
            {"issuer", new Object[] {"issuer", null}},
            {"audience", new Object[] {"audience", ""}},
            {"audience", new Object[] {"audience", null}},
            {"subject", new Object[] {"subject", null}},
            {"subject", new Object[] {"subject", "*"}},
            {"subject", new Object[] {"subject", "**", "claims", Map.of("repository", "*")}},
            {"subject", new Object[] {"subject", "line\nbreak"}},
            {"claims.exp", new Object[] {"claims", Map.of("exp", "1")}},
            {"claims.sub", new Object[] {"claims", Map.of("sub", "x")}},
            {"claims.repository", new Object[] {"claims", Map.of("repository", "")}},
            {"maxTtlSeconds", new Object[] {"maxTtlSeconds", 59}},
            {"maxTtlSeconds", new Object[] {"maxTtlSeconds", 3601}},
            {"jwks", new Object[] {"jwks", List.of()}},
            {"jwks", new Object[] {"jwks", Map.of("keys", List.of())}},
            {"jwks", new Object[] {"jwks", Map.of("kid", "x")}},
            {
                "jwks.keys[0]",
                new Object[] {
                    "jwks",
                    Map.of(
                            "keys",
                            List.of(jwk(
                                    RsaJwkGenerator.generateJwk(2048), JsonWebKey.OutputControlLevel.INCLUDE_PRIVATE)))
                }
            },
            {
                "jwks.keys[0]",
                new Object[] {
                    "jwks",
                    Map.of(
                            "keys",
                            List.of(jwk(
                                    OctJwkGenerator.generateJwk(256), JsonWebKey.OutputControlLevel.INCLUDE_SYMMETRIC)))
                }
            },
            {
                "jwks.keys[0]",
                new Object[] {
                    "jwks",
                    Map.of(
                            "keys",
                            List.of(jwk(RsaJwkGenerator.generateJwk(1024), JsonWebKey.OutputControlLevel.PUBLIC_ONLY)))
                }
            },
            {
                "jwks.keys[0]",
                new Object[] {"jwks", Map.of("keys", List.of(Map.of("kty", "RSA", "n", "not base64url!", "e", "AQAB")))}
            },
            {"jwks.keys[0]", new Object[] {"jwks", Map.of("keys", List.of(Map.of("kty", "XYZ")))}},
            {
                "jwks.keys[1]",
                new Object[] {
                    "jwks",
                    Map.of(
                            "keys",
                            List.of(
                                    jwk(
                                            EcJwkGenerator.generateJwk(EllipticCurves.P256),
                                            JsonWebKey.OutputControlLevel.PUBLIC_ONLY),
                                    jwk(
                                            EcJwkGenerator.generateJwk(EllipticCurves.P256),
                                            JsonWebKey.OutputControlLevel.INCLUDE_PRIVATE)))
                }
            },
        };
        for (Object[] c : refused) {
            isProblem(add(session, account, body((Object[]) c[1])), 400).body("errors[0].field", equalTo(c[0]));
        }
        isProblem(add(session, account, body("extra", "field")), 400);
        as(session)
                .get(ACCOUNTS + "/" + account + "/trust")
                .then()
                .statusCode(200)
                .body("$", empty());
    }

    @Test
    void anIssuersPublicKeysMayComeInlineForAClusterDiscoveryCannotReach() throws Exception {
        String session = Api.adminSession();
        String account =
                ServiceAccountsTest.anAccount(List.of("deploy"), List.of()).getString("id");
        var rsa = RsaJwkGenerator.generateJwk(2048);
        rsa.setKeyId("cluster-key-1");
        rsa.setUse("sig");
        var ec = EcJwkGenerator.generateJwk(EllipticCurves.P256);
        Map<String, Object> jwks = Map.of(
                "keys",
                List.of(
                        jwk(rsa, JsonWebKey.OutputControlLevel.PUBLIC_ONLY),
                        jwk(ec, JsonWebKey.OutputControlLevel.PUBLIC_ONLY)));
        String id = add(
                        session,
                        account,
                        body(
                                "issuer",
                                "https://kubernetes.default.svc.cluster.local",
                                "subject",
                                "system:serviceaccount:jobs:nightly-report",
                                "maxTtlSeconds",
                                600,
                                "jwks",
                                jwks))
                .statusCode(201)
                .body("jwks.keys", hasSize(2))
                .body("jwks.keys[0].kid", equalTo("cluster-key-1"))
                .body(
                        "jwks.keys[0].n",
                        equalTo(rsa.toParams(JsonWebKey.OutputControlLevel.PUBLIC_ONLY)
                                .get("n")))
                .body("jwks.keys[1].crv", equalTo("P-256"))
                .body("maxTtlSeconds", equalTo(600))
                .extract()
                .path("id");
        WorkloadTrust held = trusts.trust(UUID.fromString(id));
        assertTrue(held.jwks().contains("cluster-key-1"), held.jwks());
        // claims alone may bind the identity (GitLab CI)
        add(
                        session,
                        account,
                        body(
                                "issuer",
                                "https://gitlab.com",
                                "subject",
                                null,
                                "claims",
                                Map.of("project_path", "acme/app", "ref_type", "branch")))
                .statusCode(201)
                .body("subject", nullValue());
    }

    @Test
    void anAccountHoldsAtMostAHundredEntries() {
        String session = Api.adminSession();
        String account =
                ServiceAccountsTest.anAccount(List.of("deploy"), List.of()).getString("id");
        // 99 written straight to the table (through the API they cost a minute on a busy machine), the 100th through
        // the API
        pool.preparedQuery(
                        "insert into service_account_trust (id, account_id, issuer, audience, subject, max_ttl_seconds, created_at, created_by)"
                                + " select gen_random_uuid(), $1, $2, 'patgate', 'job-' || n, 900, now(), 'test' from generate_series(1, 99) n")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(UUID.fromString(account), GITHUB))
                .await()
                .indefinitely();
        add(session, account, body("subject", "the hundredth")).statusCode(201);
        isProblem(add(session, account, body("subject", "one too many")), 422);
        as(session)
                .get(ACCOUNTS + "/" + account + "/trust")
                .then()
                .statusCode(200)
                .body("$", hasSize(100));
    }
}
