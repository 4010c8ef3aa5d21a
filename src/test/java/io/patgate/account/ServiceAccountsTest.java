package io.patgate.account;

import static io.patgate.support.Api.as;
import static io.patgate.support.Api.isProblem;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.patgate.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Service accounts over HTTP: who may create, see and change them, their tokens, and what ends them. */
@QuarkusTest
class ServiceAccountsTest {

    static final String ACCOUNTS = "/api/v1/service-accounts";

    static String aName() {
        return "svc-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A service account made by an admin; returns the whole answer. */
    static JsonPath anAccount(List<String> roles, List<String> managers) {
        return as(Api.adminSession())
                .contentType(ContentType.JSON)
                .body(Map.of("name", aName(), "description", "made by a test", "roles", roles, "managers", managers))
                .post(ACCOUNTS)
                .then()
                .statusCode(201)
                .extract()
                .jsonPath();
    }

    /** A token of the account, made by {@code session} (an admin's or a manager's); returns {id, token}. */
    static Api.Issued aTokenOf(String accountId, String session, Map<String, ?> extra) {
        Map<String, Object> body = new HashMap<>(extra);
        body.putIfAbsent("name", "t-" + UUID.randomUUID());
        JsonPath issued = as(session)
                .contentType(ContentType.JSON)
                .body(body)
                .post(ACCOUNTS + "/" + accountId + "/tokens")
                .then()
                .statusCode(201)
                .extract()
                .jsonPath();
        return new Api.Issued(issued.getString("id"), issued.getString("token"));
    }

    @Test
    void anAdminCreatesOneAndItsNameIsTakenForUsersAndAccountsAlike() {
        Api.TestUser alice = Api.aUser("deploy");
        String admin = Api.adminSession();
        String name = aName();
        as(admin)
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "name",
                        name,
                        "description",
                        "Deploys from the release pipeline",
                        "roles",
                        List.of("deploy", "devices:read"),
                        "managers",
                        List.of(alice.username().toUpperCase())))
                .post(ACCOUNTS)
                .then()
                .statusCode(201)
                .header("Location", containsString(ACCOUNTS + "/"))
                .body("id", matchesPattern("[0-9a-f-]{36}"))
                .body("name", equalTo(name))
                .body("description", equalTo("Deploys from the release pipeline"))
                .body("roles", contains("deploy", "devices:read"))
                .body("managers", contains(alice.username()))
                .body("disabled", equalTo(false))
                .body("createdAt", notNullValue());

        // one namespace of names, whatever the case: another account, a user, and the other way round
        isProblem(
                as(admin)
                        .contentType(ContentType.JSON)
                        .body(Map.of("name", name.toUpperCase(), "roles", List.of()))
                        .post(ACCOUNTS)
                        .then(),
                409);
        isProblem(
                        as(admin)
                                .contentType(ContentType.JSON)
                                .body(Map.of("name", alice.username(), "roles", List.of()))
                                .post(ACCOUNTS)
                                .then(),
                        409)
                .body("detail", containsString("a user has that name"));
        isProblem(
                        as(admin)
                                .contentType(ContentType.JSON)
                                .body(Map.of("username", name, "password", Api.PASSWORD, "roles", List.of()))
                                .post("/api/v1/users")
                                .then(),
                        409)
                .body("detail", containsString("service account"));
        isProblem(
                as(admin)
                        .contentType(ContentType.JSON)
                        .body(Map.of("name", "admin", "roles", List.of()))
                        .post(ACCOUNTS)
                        .then(),
                409);
    }

    @Test
    void badBodiesAre400AndStoreNothing() {
        String admin = Api.adminSession();
        Api.TestUser bob = Api.aUser();
        String sibling = anAccount(List.of("deploy"), List.of()).getString("name");
        String name = aName();
        isProblem(
                        as(admin)
                                .contentType(ContentType.JSON)
                                .body(Map.of("name", "has space"))
                                .post(ACCOUNTS)
                                .then(),
                        400)
                .body("errors[0].field", equalTo("name"));
        isProblem(
                        as(admin)
                                .contentType(ContentType.JSON)
                                .body(Map.of("roles", List.of()))
                                .post(ACCOUNTS)
                                .then(),
                        400)
                .body("errors[0].field", equalTo("name"));
        isProblem(
                        as(admin)
                                .contentType(ContentType.JSON)
                                .body(Map.of("name", "system"))
                                .post(ACCOUNTS)
                                .then(),
                        400)
                .body("errors[0].field", equalTo("name"));
        isProblem(
                        as(admin)
                                .contentType(ContentType.JSON)
                                .body(Map.of("name", name, "roles", List.of("deploy", "admin")))
                                .post(ACCOUNTS)
                                .then(),
                        400)
                .body("errors[0].field", equalTo("roles"))
                .body("detail", containsString("admin"));
        isProblem(
                as(admin)
                        .contentType(ContentType.JSON)
                        .body(Map.of("name", name, "roles", List.of("tokens")))
                        .post(ACCOUNTS)
                        .then(),
                400);
        isProblem(
                        as(admin)
                                .contentType(ContentType.JSON)
                                .body(Map.of("name", name, "managers", List.of(bob.username(), "nobody-" + name)))
                                .post(ACCOUNTS)
                                .then(),
                        400)
                .body("errors[0].field", equalTo("managers[1]"));
        isProblem(
                        as(admin)
                                .contentType(ContentType.JSON)
                                .body(Map.of("name", name, "managers", List.of(sibling)))
                                .post(ACCOUNTS)
                                .then(),
                        400)
                .body("errors[0].field", equalTo("managers[0]"))
                .body("detail", containsString("not the username of a person"));
        isProblem(
                as(admin)
                        .contentType(ContentType.JSON)
                        .body(Map.of("name", name, "description", "d".repeat(257)))
                        .post(ACCOUNTS)
                        .then(),
                400);
        isProblem(
                as(admin)
                        .contentType(ContentType.JSON)
                        .body(Map.of("name", name, "password", "x"))
                        .post(ACCOUNTS)
                        .then(),
                400);
        as(admin)
                .get("/api/v1/admin/tokens?username=" + name)
                .then()
                .statusCode(200)
                .header("X-Total-Count", "0");
        // nothing of that name was made: it is free
        as(admin)
                .contentType(ContentType.JSON)
                .body(Map.of("name", name))
                .post(ACCOUNTS)
                .then()
                .statusCode(201)
                .body("roles", empty())
                .body("managers", empty())
                .body("description", nullValue());
    }

    @Test
    void writesNeedASessionEvenAnAdminsTokenGets403() {
        String admin = Api.adminSession();
        String adminToken =
                Api.aToken(admin, Map.of("scopes", List.of("admin", "tokens"))).value();
        String id = anAccount(List.of("deploy"), List.of()).getString("id");
        isProblem(
                as(adminToken)
                        .contentType(ContentType.JSON)
                        .body(Map.of("name", aName()))
                        .post(ACCOUNTS)
                        .then(),
                403);
        isProblem(
                as(adminToken)
                        .contentType(ContentType.JSON)
                        .body(Map.of("roles", List.of("deploy", "x")))
                        .patch(ACCOUNTS + "/" + id)
                        .then(),
                403);
        isProblem(
                as(adminToken)
                        .contentType(ContentType.JSON)
                        .body(Map.of("disabled", true))
                        .patch(ACCOUNTS + "/" + id)
                        .then(),
                403);
        isProblem(as(adminToken).delete(ACCOUNTS + "/" + id).then(), 403);
        isProblem(
                as(adminToken)
                        .contentType(ContentType.JSON)
                        .body(Map.of("name", "ci"))
                        .post(ACCOUNTS + "/" + id + "/tokens")
                        .then(),
                403);
        isProblem(as(adminToken).get(ACCOUNTS + "/" + id + "/tokens").then(), 403);
        isProblem(
                as(adminToken)
                        .contentType(ContentType.JSON)
                        .body(Map.of("issuer", "https://issuer.example", "audience", "patgate", "subject", "x"))
                        .post(ACCOUNTS + "/" + id + "/trust")
                        .then(),
                403);
        isProblem(as(adminToken).get(ACCOUNTS + "/" + id + "/trust").then(), 403);
        // reading the account itself is fine with an admin's token
        as(adminToken).get(ACCOUNTS + "/" + id).then().statusCode(200).body("disabled", equalTo(false));
        // a narrow token of someone else reads nothing
        String narrow = Api.aToken(Api.aUser("deploy").session(), Map.of("scopes", List.of("deploy")))
                .value();
        isProblem(as(narrow).get(ACCOUNTS).then(), 403);
    }

    @Test
    void managersSeeAndUseTheirsAndEveryoneElseIsToldItDoesNotExist() {
        Api.TestUser manager = Api.aUser("deploy");
        Api.TestUser stranger = Api.aUser("deploy");
        JsonPath account = anAccount(List.of("deploy"), List.of(manager.username()));
        String id = account.getString("id");
        String mine = manager.session();
        String theirs = stranger.session();

        as(mine).get(ACCOUNTS)
                .then()
                .statusCode(200)
                .header("X-Total-Count", "1")
                .body("name", contains(account.getString("name")));
        as(mine).get(ACCOUNTS + "/" + id).then().statusCode(200).body("managers", contains(manager.username()));
        as(theirs)
                .get(ACCOUNTS)
                .then()
                .statusCode(200)
                .header("X-Total-Count", "0")
                .body("$", empty());
        for (var request : List.<java.util.function.Function<String, io.restassured.response.ValidatableResponse>>of(
                s -> as(s).get(ACCOUNTS + "/" + id).then(),
                s -> as(s).contentType(ContentType.JSON)
                        .body(Map.of("disabled", true))
                        .patch(ACCOUNTS + "/" + id)
                        .then(),
                s -> as(s).get(ACCOUNTS + "/" + id + "/tokens").then(),
                s -> as(s).contentType(ContentType.JSON)
                        .body(Map.of("name", "x"))
                        .post(ACCOUNTS + "/" + id + "/tokens")
                        .then(),
                s -> as(s).get(ACCOUNTS + "/" + id + "/trust").then(),
                s -> as(s).get(ACCOUNTS + "/" + UUID.randomUUID()).then())) {
            isProblem(request.apply(theirs), 404).body("detail", equalTo("Service account not found"));
        }
        isProblem(as(mine).get(ACCOUNTS + "/" + UUID.randomUUID()).then(), 404);

        // a manager changes the description and may disable, but roles, managers and deletion are an admin's
        as(mine).contentType(ContentType.JSON)
                .body(Map.of("description", "owned by the release team"))
                .patch(ACCOUNTS + "/" + id)
                .then()
                .statusCode(200)
                .body("description", equalTo("owned by the release team"));
        isProblem(
                as(mine).contentType(ContentType.JSON)
                        .body(Map.of("roles", List.of("deploy", "more")))
                        .patch(ACCOUNTS + "/" + id)
                        .then(),
                403);
        isProblem(
                as(mine).contentType(ContentType.JSON)
                        .body(Map.of("managers", List.of(manager.username(), stranger.username())))
                        .patch(ACCOUNTS + "/" + id)
                        .then(),
                403);
        isProblem(as(mine).delete(ACCOUNTS + "/" + id).then(), 403);
        as(Api.adminSession())
                .get(ACCOUNTS + "/" + id)
                .then()
                .body("roles", contains("deploy"))
                .body("managers", contains(manager.username()));

        // the admin hands it over: the new manager sees it, the old one no longer does
        as(Api.adminSession())
                .contentType(ContentType.JSON)
                .body(Map.of("managers", List.of(stranger.username())))
                .patch(ACCOUNTS + "/" + id)
                .then()
                .statusCode(200)
                .body("managers", contains(stranger.username()));
        as(theirs).get(ACCOUNTS + "/" + id).then().statusCode(200);
        isProblem(as(mine).get(ACCOUNTS + "/" + id).then(), 404);
        // a manager's token with scope tokens reads the list too
        String managerToken =
                Api.aToken(theirs, Map.of("scopes", List.of("tokens"))).value();
        as(managerToken).get(ACCOUNTS).then().statusCode(200).body("id", contains(id));
    }

    @Test
    void itsTokensBelongToItAndCarryAtMostItsRoles() {
        Api.TestUser manager = Api.aUser(); // the manager holds none of the account's roles: only the account's matter
        JsonPath account = anAccount(List.of("deploy", "devices:read"), List.of(manager.username()));
        String id = account.getString("id");
        String name = account.getString("name");
        String session = manager.session();

        JsonPath created = as(session)
                .contentType(ContentType.JSON)
                .body(Map.of("name", "release", "scopes", List.of("deploy"), "expiresInDays", 60))
                .post(ACCOUNTS + "/" + id + "/tokens")
                .then()
                .statusCode(201)
                .header("Location", containsString("/api/v1/tokens/"))
                .body("owner", equalTo(name))
                .body("ownerId", equalTo(id))
                .body("scopes", contains("deploy"))
                .body("token", notNullValue())
                .extract()
                .jsonPath();
        String value = created.getString("token");
        as(value)
                .get("/api/v1/me")
                .then()
                .statusCode(200)
                .body("id", equalTo(id))
                .body("username", equalTo(name))
                .body("authMethod", equalTo("pat"))
                .body("scopes", contains("deploy"));
        as(value)
                .get("/auth/verify")
                .then()
                .statusCode(200)
                .header("X-Auth-User", name)
                .header("X-Auth-User-Id", id)
                .header("X-Auth-Scopes", "deploy");
        String basic = Base64.getEncoder().encodeToString((name + ":" + value).getBytes(StandardCharsets.UTF_8));
        given().header("Authorization", "Basic " + basic)
                .get("/api/v1/me")
                .then()
                .statusCode(200)
                .body("username", equalTo(name));

        // no scope asked: all of the account's roles; beyond them: 400
        aTokenOf(id, session, Map.of("name", "everything"));
        as(session)
                .get(ACCOUNTS + "/" + id + "/tokens?q=everything")
                .then()
                .statusCode(200)
                .body("[0].scopes", contains("deploy", "devices:read"));
        isProblem(
                        as(session)
                                .contentType(ContentType.JSON)
                                .body(Map.of("name", "wider", "scopes", List.of("deploy", "devices:write")))
                                .post(ACCOUNTS + "/" + id + "/tokens")
                                .then(),
                        400)
                .body("errors[0].field", equalTo("scopes"))
                .body("detail", containsString("devices:write"));
        isProblem(
                as(session)
                        .contentType(ContentType.JSON)
                        .body(Map.of("name", "release"))
                        .post(ACCOUNTS + "/" + id + "/tokens")
                        .then(),
                409);
        isProblem(
                as(session)
                        .contentType(ContentType.JSON)
                        .body(Map.of("name", "far", "expiresInDays", 366))
                        .post(ACCOUNTS + "/" + id + "/tokens")
                        .then(),
                400);
        as(session)
                .get(ACCOUNTS + "/" + id + "/tokens")
                .then()
                .statusCode(200)
                .header("X-Total-Count", "2")
                .body("owner", everyItem(equalTo(name)))
                .body("token", everyItem(nullValue()));
        // the manager's own list is theirs alone
        as(session).get("/api/v1/tokens").then().statusCode(200).header("X-Total-Count", "0");

        // the per-token endpoints take its managers as they take an owner
        String tokenId = created.getString("id");
        as(session).get("/api/v1/tokens/" + tokenId).then().statusCode(200).body("owner", equalTo(name));
        as(session)
                .contentType(ContentType.JSON)
                .body(Map.of("description", "nightly", "scopes", List.of("devices:read")))
                .patch("/api/v1/tokens/" + tokenId)
                .then()
                .statusCode(200)
                .body("scopes", contains("devices:read"));
        isProblem(
                as(session)
                        .contentType(ContentType.JSON)
                        .body(Map.of("scopes", List.of("admin")))
                        .patch("/api/v1/tokens/" + tokenId)
                        .then(),
                400);
        String regenerated = as(session)
                .contentType(ContentType.JSON)
                .body(Map.of("expiresInDays", 7, "graceSeconds", 60))
                .post("/api/v1/tokens/" + tokenId + "/regenerate")
                .then()
                .statusCode(200)
                .body("owner", equalTo(name))
                .extract()
                .path("token");
        as(regenerated).get("/api/v1/me").then().statusCode(200).body("scopes", contains("devices:read"));
        as(value).get("/api/v1/me").then().statusCode(200); // in its grace period
        isProblem(as(Api.aUser().session()).get("/api/v1/tokens/" + tokenId).then(), 404);
        isProblem(as(Api.aUser().session()).delete("/api/v1/tokens/" + tokenId).then(), 404);
        as(session).delete("/api/v1/tokens/" + tokenId).then().statusCode(204);
        as(session).get("/api/v1/tokens/" + tokenId).then().body("revokedReason", equalTo("owner"));
        as(regenerated).get("/api/v1/me").then().statusCode(401);
        // an admin's revocation says so
        Api.Issued another = aTokenOf(id, session, Map.of());
        as(Api.adminSession()).delete("/api/v1/tokens/" + another.id()).then().statusCode(204);
        as(session).get("/api/v1/tokens/" + another.id()).then().body("revokedReason", equalTo("admin"));
    }

    @Test
    void aPersonDeletedLeavesTheServiceAccountAndItsTokensWorking() {
        Api.TestUser author = Api.aUser("deploy");
        Api.TestUser colleague = Api.aUser();
        JsonPath account = anAccount(List.of("deploy"), List.of(author.username(), colleague.username()));
        String id = account.getString("id");
        Api.Issued token = aTokenOf(id, author.session(), Map.of("scopes", List.of("deploy")));
        Api.Issued personal = Api.aToken(author.session(), Map.of());

        as(Api.adminSession()).delete("/api/v1/users/" + author.id()).then().statusCode(204);

        as(personal.value()).get("/api/v1/me").then().statusCode(401);
        as(token.value()).get("/api/v1/me").then().statusCode(200).body("username", equalTo(account.getString("name")));
        as(token.value()).get("/auth/verify?scope=deploy").then().statusCode(200);
        as(Api.adminSession())
                .get(ACCOUNTS + "/" + id)
                .then()
                .statusCode(200)
                .body("managers", contains(colleague.username()));
        as(colleague.session())
                .get(ACCOUNTS + "/" + id + "/tokens")
                .then()
                .statusCode(200)
                .body("[0].status", equalTo("active"));
        as(Api.adminSession())
                .get("/api/v1/audit?action=user.deleted&username=" + author.username())
                .then()
                .statusCode(200)
                .body("[0].detail", containsString(account.getString("name")));
    }

    @Test
    void disablingTheAccountKillsItsTokensAtOnceAndDeletingItEndsIt() {
        Api.TestUser manager = Api.aUser();
        JsonPath account = anAccount(List.of("deploy"), List.of(manager.username()));
        String id = account.getString("id");
        String session = manager.session();
        Api.Issued token = aTokenOf(id, session, Map.of());
        as(token.value()).get("/auth/verify").then().statusCode(200);

        as(session)
                .contentType(ContentType.JSON)
                .body(Map.of("disabled", true))
                .patch(ACCOUNTS + "/" + id)
                .then()
                .statusCode(200)
                .body("disabled", equalTo(true));
        as(token.value()).get("/auth/verify").then().statusCode(401);
        as(session)
                .get("/api/v1/tokens/" + token.id())
                .then()
                .body("status", equalTo("revoked"))
                .body("revokedReason", equalTo("user-disabled"));
        isProblem(
                as(session)
                        .contentType(ContentType.JSON)
                        .body(Map.of("name", "while disabled"))
                        .post(ACCOUNTS + "/" + id + "/tokens")
                        .then(),
                409);

        // enabling it again brings no token back; a new one works
        as(session)
                .contentType(ContentType.JSON)
                .body(Map.of("disabled", false))
                .patch(ACCOUNTS + "/" + id)
                .then()
                .statusCode(200);
        as(token.value()).get("/auth/verify").then().statusCode(401);
        Api.Issued fresh = aTokenOf(id, session, Map.of());
        as(fresh.value()).get("/auth/verify").then().statusCode(200);

        as(Api.adminSession()).delete(ACCOUNTS + "/" + id).then().statusCode(204);
        as(fresh.value()).get("/auth/verify").then().statusCode(401);
        isProblem(as(Api.adminSession()).get(ACCOUNTS + "/" + id).then(), 404);
        isProblem(as(Api.adminSession()).delete(ACCOUNTS + "/" + id).then(), 404);
        isProblem(as(session).get(ACCOUNTS + "/" + id).then(), 404);
        as(Api.adminSession())
                .get("/api/v1/tokens/" + fresh.id())
                .then()
                .body("revokedReason", equalTo("user-deleted"));
        // the name stays taken by no one: it can be used again
        as(Api.adminSession())
                .contentType(ContentType.JSON)
                .body(Map.of("name", account.getString("name")))
                .post(ACCOUNTS)
                .then()
                .statusCode(201);
    }

    @Test
    void nobodySignsInAsAServiceAccount() {
        String name = anAccount(List.of("deploy"), List.of()).getString("name");
        String unknown = given().contentType(ContentType.JSON)
                .body(Map.of("username", "nobody-" + name, "password", "whatever it is"))
                .post("/api/v1/auth/login")
                .then()
                .extract()
                .asString();
        String refused = isProblem(
                        given().contentType(ContentType.JSON)
                                .body(Map.of("username", name, "password", "whatever it is"))
                                .post("/api/v1/auth/login")
                                .then(),
                        401)
                .extract()
                .asString();
        assertEquals(
                JsonPath.from(unknown).getString("detail"),
                JsonPath.from(refused).getString("detail"),
                "the same answer as a bad password");
        assertEquals(
                JsonPath.from(unknown).getString("type"), JsonPath.from(refused).getString("type"));
        as(Api.adminSession())
                .get("/api/v1/audit?action=login.failed&username=" + name)
                .then()
                .body("[0].detail", containsString("service account"));
    }

    @Test
    void theUsersApiLeavesServiceAccountsOut() {
        JsonPath account = anAccount(List.of("deploy"), List.of());
        String admin = Api.adminSession();
        as(admin)
                .get("/api/v1/users?q=" + account.getString("name"))
                .then()
                .statusCode(200)
                .header("X-Total-Count", "0");
        isProblem(as(admin).get("/api/v1/users/" + account.getString("id")).then(), 404);
        // no password can be given to it, nor can it be deleted as a user
        isProblem(
                as(admin)
                        .contentType(ContentType.JSON)
                        .body(Map.of("password", "a password someone could use"))
                        .patch("/api/v1/users/" + account.getString("id"))
                        .then(),
                404);
        isProblem(as(admin).delete("/api/v1/users/" + account.getString("id")).then(), 404);
        as(admin).get(ACCOUNTS + "/" + account.getString("id")).then().statusCode(200);
    }

    @Test
    void theOpenApiDocumentDescribesEachEndpointWithExamples() {
        JsonPath spec = JsonPath.from(given().queryParam("format", "json")
                .get("/q/openapi")
                .then()
                .statusCode(200)
                .extract()
                .asString());
        Map<String, List<String>> operations = Map.of(
                ACCOUNTS,
                List.of("post", "get"),
                ACCOUNTS + "/{id}",
                List.of("get", "patch", "delete"),
                ACCOUNTS + "/{id}/tokens",
                List.of("post", "get"),
                ACCOUNTS + "/{id}/trust",
                List.of("post", "get"),
                ACCOUNTS + "/{id}/trust/{trustId}",
                List.of("delete"),
                "/api/v1/tokens/self/rotate",
                List.of("post"));
        operations.forEach((path, methods) -> {
            for (String method : methods) {
                Map<String, Object> operation = spec.getMap("paths.'" + path + "'." + method);
                assertTrue(
                        operation != null && operation.get("description") != null,
                        method + " " + path + " is documented");
                Map<String, Object> responses = spec.getMap("paths.'" + path + "'." + method + ".responses");
                String ok = responses.keySet().stream()
                        .filter(code -> code.startsWith("2"))
                        .findFirst()
                        .orElseThrow();
                if (!ok.equals("204")) {
                    assertTrue(
                            spec.getMap("paths.'" + path + "'." + method + ".responses.'" + ok
                                            + "'.content.'application/json'.examples")
                                    != null,
                            method + " " + path + " answers with an example");
                }
                assertTrue(
                        responses.keySet().stream().anyMatch(code -> code.startsWith("4")),
                        method + " " + path + " documents its refusals");
            }
        });
    }

    @Test
    void everyChangeIsAudited() {
        Api.TestUser manager = Api.aUser();
        Api.TestUser next = Api.aUser();
        JsonPath account = anAccount(List.of("deploy"), List.of(manager.username()));
        String id = account.getString("id");
        String name = account.getString("name");
        String admin = Api.adminSession();
        as(admin)
                .contentType(ContentType.JSON)
                .body(Map.of("roles", List.of("deploy", "devices:read"), "managers", List.of(next.username())))
                .patch(ACCOUNTS + "/" + id)
                .then()
                .statusCode(200);
        Api.Issued token = aTokenOf(id, next.session(), Map.of("name", "audited"));
        String trust = as(next.session())
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "issuer",
                        "https://token.actions.githubusercontent.com",
                        "audience",
                        "patgate",
                        "subject",
                        "repo:acme/app:*"))
                .post(ACCOUNTS + "/" + id + "/trust")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        as(next.session())
                .delete(ACCOUNTS + "/" + id + "/trust/" + trust)
                .then()
                .statusCode(204);
        as(next.session())
                .contentType(ContentType.JSON)
                .body(Map.of("disabled", true))
                .patch(ACCOUNTS + "/" + id)
                .then()
                .statusCode(200);
        as(admin).delete(ACCOUNTS + "/" + id).then().statusCode(204);

        List<Map<String, Object>> events = as(admin)
                .get("/api/v1/audit?size=50&username=" + name)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("$");
        List<String> actions =
                events.stream().map(e -> (String) e.get("action")).sorted().toList();
        assertEquals(
                List.of(
                        "service-account.created",
                        "service-account.deleted",
                        "service-account.disabled",
                        "service-account.managers-changed",
                        "service-account.roles-changed",
                        "service-account.trust-added",
                        "service-account.trust-removed",
                        "token.created",
                        "token.revoked"),
                actions);
        Map<String, Object> created = events.stream()
                .filter(e -> e.get("action").equals("token.created"))
                .findFirst()
                .orElseThrow();
        assertEquals(next.username(), created.get("actor"));
        assertEquals(token.id(), created.get("tokenId"));
        String trustAdded = events.stream()
                .filter(e -> e.get("action").equals("service-account.trust-added"))
                .findFirst()
                .orElseThrow()
                .get("detail")
                .toString();
        assertTrue(
                trustAdded.contains("repo:acme/app:*") && trustAdded.contains("token.actions.githubusercontent.com"),
                trustAdded);
        String managers = events.stream()
                .filter(e -> e.get("action").equals("service-account.managers-changed"))
                .findFirst()
                .orElseThrow()
                .get("detail")
                .toString();
        assertEquals("[" + manager.username() + "] -> [" + next.username() + "]", managers);
    }
}
