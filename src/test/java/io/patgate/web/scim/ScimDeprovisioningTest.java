package io.patgate.web.scim;

import static io.patgate.support.Api.as;
import static io.patgate.support.Scim.USERS;
import static io.patgate.support.Scim.isScimError;
import static org.hamcrest.Matchers.*;

import io.patgate.support.Api;
import io.patgate.support.Scim;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What deprovisioning does to a person: deactivation and deletion end every session and token at once, are audited
 * with the SCIM client as the actor, and reactivation brings none of them back. What SCIM reaches (people's accounts
 * of any origin) and what it cannot (service accounts, the roles patgate itself honours).
 */
@QuarkusTest
class ScimDeprovisioningTest {

    static final String DEACTIVATE_OKTA = """
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":false}}]}""";
    static final String REACTIVATE_ENTRA = """
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"active","value":"True"}]}""";

    @Inject
    Pool pool;

    /** A person provisioned by {@code client}, given a password by an admin so the test can sign in as them (OIDC stands in). */
    static Api.TestUser aProvisionedPerson(Scim.Client client) {
        String userName = Scim.aUserName();
        String id = client.request()
                .body(ScimProtocolTest.entraUser(userName, UUID.randomUUID().toString()))
                .post(USERS)
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        as(Api.adminSession())
                .contentType(ContentType.JSON)
                .body(Map.of("password", Api.PASSWORD))
                .patch("/api/v1/users/" + id)
                .then()
                .statusCode(200);
        return new Api.TestUser(id, userName);
    }

    @Test
    void deactivationEndsEverySessionAndTokenAtOnceAndReactivationBringsNoneBack() {
        Scim.Client client = Scim.aClient();
        Api.TestUser person = aProvisionedPerson(client);
        String session = person.session();
        Api.Issued token = Api.aToken(session, Map.of());
        as(token.value()).get("/auth/verify").then().statusCode(200);

        client.request()
                .body(DEACTIVATE_OKTA)
                .patch(USERS + "/" + person.id())
                .then()
                .statusCode(200)
                .body("active", equalTo(false));
        // the very next request: in memory, published before the answer
        as(token.value()).get("/auth/verify").then().statusCode(401);
        as(session).get("/api/v1/me").then().statusCode(401);
        io.restassured.RestAssured.given()
                .contentType(ContentType.JSON)
                .body(Map.of("username", person.username(), "password", Api.PASSWORD))
                .post("/api/v1/auth/login")
                .then()
                .statusCode(401);
        String admin = Api.adminSession();
        as(admin)
                .get("/api/v1/tokens/" + token.id())
                .then()
                .body("status", equalTo("revoked"))
                .body("revokedReason", equalTo("user-disabled"));

        // audited with the SCIM client (its service account and token) as the actor
        String actor = client.accountName() + " (token ";
        as(admin)
                .get("/api/v1/audit?size=50&username=" + person.username())
                .then()
                .statusCode(200)
                .body("find { it.action == 'user.disabled' }.actor", startsWith(actor))
                .body("find { it.action == 'user.disabled' }.detail", containsString("via SCIM"))
                .body("find { it.action == 'token.revoked' }.actor", startsWith(actor))
                .body("find { it.action == 'token.revoked' }.detail", equalTo("reason user-disabled (via SCIM)"))
                .body("find { it.action == 'user.created' }.actor", startsWith(actor));

        // reactivated: the person signs in again, but what was ended stays ended
        client.request()
                .body(REACTIVATE_ENTRA)
                .patch(USERS + "/" + person.id())
                .then()
                .statusCode(200)
                .body("active", equalTo(true));
        as(token.value()).get("/auth/verify").then().statusCode(401);
        as(session).get("/api/v1/me").then().statusCode(401);
        as(admin).get("/api/v1/tokens/" + token.id()).then().body("status", equalTo("revoked"));
        String fresh = person.session();
        as(fresh).get("/api/v1/me").then().statusCode(200);

        // deletion, likewise
        Api.Issued another = Api.aToken(fresh, Map.of());
        client.request().delete(USERS + "/" + person.id()).then().statusCode(204);
        as(another.value()).get("/auth/verify").then().statusCode(401);
        as(fresh).get("/api/v1/me").then().statusCode(401);
        as(admin).get("/api/v1/tokens/" + another.id()).then().body("revokedReason", equalTo("user-deleted"));
        as(admin)
                .get("/api/v1/audit?size=50&action=user.deleted&username=" + person.username())
                .then()
                .body("[0].actor", startsWith(actor))
                .body("[0].detail", containsString("via SCIM"));
    }

    @Test
    void aTakenUserNameIsAConflictThenTheProviderFindsTheLocalAccountAndManagesIt() {
        Scim.Client client = Scim.aClient();
        Api.TestUser local = Api.aUser("deploy");
        String session = local.session();
        isScimError(
                        client.request()
                                .body(ScimProtocolTest.entraUser(local.username(), "x"))
                                .post(USERS)
                                .then(),
                        409)
                .body("scimType", equalTo("uniqueness"));
        client.request()
                .queryParam("filter", "userName eq \"" + local.username() + "\"")
                .get(USERS)
                .then()
                .body("totalResults", equalTo(1))
                .body("Resources[0].id", equalTo(local.id()));
        client.request()
                .body("{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"userName\":\"" + local.username()
                        + "\",\"externalId\":\"00u-linked\"}")
                .put(USERS + "/" + local.id())
                .then()
                .statusCode(200)
                .body("externalId", equalTo("00u-linked"));
        as(session).get("/api/v1/me").then().statusCode(200);
        client.request()
                .body(DEACTIVATE_OKTA)
                .patch(USERS + "/" + local.id())
                .then()
                .statusCode(200);
        as(session).get("/api/v1/me").then().statusCode(401);
        as(Api.adminSession())
                .get("/api/v1/users/" + local.id())
                .then()
                .body("origin", equalTo("local"))
                .body("disabled", equalTo(true));
    }

    @Test
    void serviceAccountsAreOutOfReach() {
        Scim.Client client = Scim.aClient();
        // the SCIM client's own account: not listed, 404, its name taken
        client.request()
                .queryParam("filter", "userName eq \"" + client.accountName() + "\"")
                .get(USERS)
                .then()
                .body("totalResults", equalTo(0));
        isScimError(client.request().get(USERS + "/" + client.accountId()).then(), 404);
        isScimError(
                client.request()
                        .body(DEACTIVATE_OKTA)
                        .patch(USERS + "/" + client.accountId())
                        .then(),
                404);
        isScimError(client.request().delete(USERS + "/" + client.accountId()).then(), 404);
        isScimError(
                client.request()
                        .body(ScimProtocolTest.entraUser(client.accountName(), "x"))
                        .post(USERS)
                        .then(),
                409);
        client.request().get("/scim/v2/ServiceProviderConfig").then().statusCode(200);
    }

    @Test
    void anAccountMadeBySingleSignOnIsReachedToo() {
        Scim.Client client = Scim.aClient();
        Api.TestUser person = Api.aUser("deploy");
        pool.preparedQuery("update app_user set origin = 'sso' where id = $1")
                .execute(Tuple.of(UUID.fromString(person.id())))
                .await()
                .atMost(Duration.ofSeconds(5));
        client.request()
                .queryParam("filter", "userName eq \"" + person.username() + "\"")
                .get(USERS)
                .then()
                .body("Resources[0].id", equalTo(person.id()));
        client.request()
                .body(DEACTIVATE_OKTA)
                .patch(USERS + "/" + person.id())
                .then()
                .statusCode(200)
                .body("active", equalTo(false));
        as(Api.adminSession())
                .get("/api/v1/users/" + person.id())
                .then()
                .body("origin", equalTo("sso"))
                .body("disabled", equalTo(true));
    }

    @Test
    void provisioningNeverGrantsTheRolesPatgateHonoursButMayKeepOrTakeThem() {
        Scim.Client client = Scim.aClient();
        String withAdmin = "{\"userName\":\"" + Scim.aUserName() + "\",\"roles\":[{\"value\":\"admin\"}]}";
        isScimError(client.request().body(withAdmin).post(USERS).then(), 403).body("detail", containsString("'admin'"));
        Api.TestUser person = aProvisionedPerson(client);
        for (String role : List.of("admin", "scim", "introspect")) {
            isScimError(
                    client.request()
                            .body("{\"Operations\":[{\"op\":\"add\",\"path\":\"roles\",\"value\":[{\"value\":\"" + role
                                    + "\"}]}]}")
                            .patch(USERS + "/" + person.id())
                            .then(),
                    403);
        }
        // an admin grants admin in patgate: a provider's PUT that echoes it keeps it, and its removal takes it away
        as(Api.adminSession())
                .contentType(ContentType.JSON)
                .body(Map.of("roles", List.of("admin", "deploy")))
                .patch("/api/v1/users/" + person.id())
                .then()
                .statusCode(200);
        client.request()
                .body("{\"userName\":\"" + person.username()
                        + "\",\"roles\":[{\"value\":\"admin\"},{\"value\":\"deploy\"},{\"value\":\"ops\"}]}")
                .put(USERS + "/" + person.id())
                .then()
                .statusCode(200)
                .body("roles.value", containsInAnyOrder("admin", "deploy", "ops"));
        client.request()
                .body("{\"Operations\":[{\"op\":\"remove\",\"path\":\"roles[value eq \\\"admin\\\"]\"}]}")
                .patch(USERS + "/" + person.id())
                .then()
                .statusCode(200)
                .body("roles.value", containsInAnyOrder("deploy", "ops"));
        // a PUT without roles leaves them as they are
        client.request()
                .body("{\"userName\":\"" + person.username() + "\",\"active\":true}")
                .put(USERS + "/" + person.id())
                .then()
                .statusCode(200)
                .body("roles.value", containsInAnyOrder("deploy", "ops"));
    }
}
