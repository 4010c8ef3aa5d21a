package io.patgate.token;

import static io.patgate.support.Api.as;
import static io.patgate.support.Api.isProblem;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.patgate.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class TokensTest {

    private static int count(String session, String status) {
        return Integer.parseInt(as(session)
                .get("/api/v1/tokens?size=1&status=" + status)
                .then()
                .statusCode(200)
                .extract()
                .header("X-Total-Count"));
    }

    @Test
    void theValueIsShownOnceAndWorksAsABearerToken() {
        Api.TestUser alice = Api.aUser("deploy", "devices:read");
        String session = alice.session();
        var created = as(session)
                .contentType(ContentType.JSON)
                .body(Map.of("name", "ci", "description", "GitLab runner"))
                .post("/api/v1/tokens")
                .then()
                .statusCode(201)
                .header("Location", containsString("/api/v1/tokens/"))
                .body("token", matchesPattern("^[\\w-]+\\.[\\w-]+\\.[\\w-]+$"))
                .body("name", equalTo("ci"))
                .body("description", equalTo("GitLab runner"))
                .body("scopes", contains("deploy", "devices:read"))
                .body("status", equalTo("active"))
                .body("owner", equalTo(alice.username()))
                .body("lastUsedAt", nullValue())
                .body("revokedAt", nullValue())
                .extract()
                .jsonPath();
        String id = created.getString("id");
        Instant expires = Instant.parse(created.getString("expiresAt"));
        assertTrue(
                Duration.between(Instant.now().plus(Duration.ofDays(30)), expires)
                                .abs()
                                .toMinutes()
                        < 2,
                "default expiry is 30 days");

        as(session).get("/api/v1/tokens/" + id).then().statusCode(200).body("$", not(hasKey("token")));
        as(session)
                .get("/api/v1/tokens")
                .then()
                .statusCode(200)
                .body("[0]", not(hasKey("token")))
                .body("token", everyItem(nullValue()));

        as(created.getString("token"))
                .get("/api/v1/me")
                .then()
                .statusCode(200)
                .body("username", equalTo(alice.username()))
                .body("authMethod", equalTo("pat"))
                .body("tokenId", equalTo(id))
                .body("scopes", contains("deploy", "devices:read"));
    }

    @Test
    void namesComeBackByteForByte() {
        String session = Api.aUser().session();
        for (String name :
                List.of("it's \"quoted\"", "<script>alert(1)</script>", "déploiement 🚀 生产", "a".repeat(64))) {
            var id = as(session)
                    .contentType(ContentType.JSON)
                    .body(Map.of("name", name, "description", name))
                    .post("/api/v1/tokens")
                    .then()
                    .statusCode(201)
                    .body("name", equalTo(name))
                    .extract()
                    .path("id");
            as(session)
                    .get("/api/v1/tokens/" + id)
                    .then()
                    .statusCode(200)
                    .body("name", equalTo(name))
                    .body("description", equalTo(name));
        }
    }

    @Test
    void nameIsUniqueAmongActiveTokensOnly() {
        String session = Api.aUser().session();
        String id = Api.aToken(session, Map.of("name", "backup")).id();
        isProblem(
                as(session)
                        .contentType(ContentType.JSON)
                        .body(Map.of("name", "backup"))
                        .post("/api/v1/tokens")
                        .then(),
                409);
        // another user may use the same name
        Api.aToken(Api.aUser().session(), Map.of("name", "backup"));
        // once revoked, the name is free again
        as(session).delete("/api/v1/tokens/" + id).then().statusCode(204);
        Api.aToken(session, Map.of("name", "backup"));
    }

    @Test
    void sixteenConcurrentCreatesOfOneNameMakeExactlyOneToken() throws Exception {
        String session = Api.aUser().session();
        List<Integer> codes = Api.concurrently(
                16,
                () -> as(session)
                        .contentType(ContentType.JSON)
                        .body(Map.of("name", "same"))
                        .post("/api/v1/tokens")
                        .then()
                        .extract()
                        .statusCode());
        assertEquals(1, codes.stream().filter(c -> c == 201).count(), codes.toString());
        assertEquals(15, codes.stream().filter(c -> c == 409).count(), codes.toString());
        assertEquals(1, count(session, "all"));
    }

    @Test
    void expiryMustBeBetweenOneDayAndTheMaximum() {
        String session = Api.aUser().session();
        String in2h = Instant.now().plus(Duration.ofHours(2)).toString();
        String in400d = Instant.now().plus(Duration.ofDays(400)).toString();
        String in10d = Instant.now().plus(Duration.ofDays(10)).toString();
        isProblem(
                        as(session)
                                .contentType(ContentType.JSON)
                                .body(Map.of("name", "x", "expiresInDays", 0))
                                .post("/api/v1/tokens")
                                .then(),
                        400)
                .body("errors[0].field", equalTo("expiresInDays"));
        isProblem(
                as(session)
                        .contentType(ContentType.JSON)
                        .body(Map.of("name", "x", "expiresInDays", 366))
                        .post("/api/v1/tokens")
                        .then(),
                400);
        isProblem(
                        as(session)
                                .contentType(ContentType.JSON)
                                .body(Map.of("name", "x", "expiresAt", in2h))
                                .post("/api/v1/tokens")
                                .then(),
                        400)
                .body("errors[0].field", equalTo("expiresAt"));
        isProblem(
                as(session)
                        .contentType(ContentType.JSON)
                        .body(Map.of("name", "x", "expiresAt", in400d))
                        .post("/api/v1/tokens")
                        .then(),
                400);
        isProblem(
                as(session)
                        .contentType(ContentType.JSON)
                        .body(Map.of("name", "x", "expiresAt", in10d, "expiresInDays", 10))
                        .post("/api/v1/tokens")
                        .then(),
                400);
        isProblem(
                        as(session)
                                .contentType(ContentType.JSON)
                                .body(Map.of("name", "x", "neverExpires", true))
                                .post("/api/v1/tokens")
                                .then(),
                        400)
                .body("errors[0].field", equalTo("neverExpires"));
        isProblem(
                        as(session)
                                .contentType(ContentType.JSON)
                                .body(Map.of("name", "x", "expiresAt", "next tuesday"))
                                .post("/api/v1/tokens")
                                .then(),
                        400)
                .body("errors[0].field", equalTo("expiresAt"));
        assertEquals(0, count(session, "all"), "nothing was stored");
        as(session)
                .contentType(ContentType.JSON)
                .body(Map.of("name", "x", "expiresAt", in10d))
                .post("/api/v1/tokens")
                .then()
                .statusCode(201)
                .body(
                        "expiresAt",
                        equalTo(Instant.parse(in10d)
                                .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                                .toString()));
        as(session)
                .contentType(ContentType.JSON)
                .body(Map.of("name", "y", "expiresInDays", 365))
                .post("/api/v1/tokens")
                .then()
                .statusCode(201);
    }

    @Test
    void invalidBodiesAre400AndStoreNothing() {
        String session = Api.aUser("deploy").session();
        isProblem(
                        as(session)
                                .contentType(ContentType.JSON)
                                .body(Map.of())
                                .post("/api/v1/tokens")
                                .then(),
                        400)
                .body("errors[0].field", equalTo("name"));
        isProblem(
                as(session)
                        .contentType(ContentType.JSON)
                        .body(Map.of("name", "a".repeat(65)))
                        .post("/api/v1/tokens")
                        .then(),
                400);
        isProblem(
                as(session)
                        .contentType(ContentType.JSON)
                        .body(Map.of("name", "line\nbreak"))
                        .post("/api/v1/tokens")
                        .then(),
                400);
        isProblem(
                        as(session)
                                .contentType(ContentType.JSON)
                                .body(Map.of("name", "x", "description", "d".repeat(257)))
                                .post("/api/v1/tokens")
                                .then(),
                        400)
                .body("errors[0].field", equalTo("description"));
        isProblem(
                        as(session)
                                .contentType(ContentType.JSON)
                                .body(Map.of("name", "x", "scopes", List.of("deploy", "admin")))
                                .post("/api/v1/tokens")
                                .then(),
                        400)
                .body("errors[0].field", equalTo("scopes"))
                .body("detail", containsString("admin"));
        isProblem(
                        as(session)
                                .contentType(ContentType.JSON)
                                .body(Map.of("name", "x", "allowedCidrs", List.of("10.0.0.0/8", "10.0.0.0/33")))
                                .post("/api/v1/tokens")
                                .then(),
                        400)
                .body("errors[0].field", equalTo("allowedCidrs[1]"));
        isProblem(
                as(session)
                        .contentType(ContentType.JSON)
                        .body(Map.of("name", "x", "allowedCidrs", List.of("example.com")))
                        .post("/api/v1/tokens")
                        .then(),
                400);
        isProblem(
                        as(session)
                                .contentType(ContentType.JSON)
                                .body("{\"name\":\"x\",\"scope\":[]}")
                                .post("/api/v1/tokens")
                                .then(),
                        400)
                .body("errors[0].field", equalTo("scope"));
        assertEquals(0, count(session, "all"));
    }

    @Test
    void scopesDefaultToTheOwnersRolesAndMayIncludeTokens() {
        String session = Api.aUser("deploy", "devices:read").session();
        as(session)
                .contentType(ContentType.JSON)
                .body(Map.of("name", "a", "scopes", List.of("deploy", "tokens")))
                .post("/api/v1/tokens")
                .then()
                .statusCode(201)
                .body("scopes", contains("deploy", "tokens"));
        as(session)
                .contentType(ContentType.JSON)
                .body(Map.of("name", "b", "allowedCidrs", List.of("10.1.2.3/8", "2001:DB8::1/32")))
                .post("/api/v1/tokens")
                .then()
                .statusCode(201)
                .body("allowedCidrs", contains("10.0.0.0/8", "2001:db8::/32"));
    }

    @Test
    void theQuotaIs422() {
        String session = Api.aUser().session();
        for (int i = 0; i < 50; i++) {
            as(session)
                    .contentType(ContentType.JSON)
                    .body(Map.of("name", "q" + i))
                    .post("/api/v1/tokens")
                    .then()
                    .statusCode(201);
        }
        isProblem(
                as(session)
                        .contentType(ContentType.JSON)
                        .body(Map.of("name", "one too many"))
                        .post("/api/v1/tokens")
                        .then(),
                422);
        // revoking one makes room
        String id = as(session).get("/api/v1/tokens?size=1").then().extract().path("[0].id");
        as(session).delete("/api/v1/tokens/" + id).then().statusCode(204);
        as(session)
                .contentType(ContentType.JSON)
                .body(Map.of("name", "one too many"))
                .post("/api/v1/tokens")
                .then()
                .statusCode(201);
    }

    @Test
    void listIsNewestFirstPagedAndFilteredByStatus() {
        String session = Api.aUser().session();
        String first = Api.aToken(session, Map.of("name", "first")).id();
        String second = Api.aToken(session, Map.of("name", "second")).id();
        String third = Api.aToken(session, Map.of("name", "third")).id();
        as(session).delete("/api/v1/tokens/" + second).then().statusCode(204);
        as(session)
                .get("/api/v1/tokens")
                .then()
                .statusCode(200)
                .header("X-Total-Count", "3")
                .body("name", contains("third", "second", "first"));
        as(session)
                .get("/api/v1/tokens?page=1&size=2")
                .then()
                .statusCode(200)
                .header("X-Total-Count", "3")
                .body("name", contains("first"));
        as(session)
                .get("/api/v1/tokens?status=active")
                .then()
                .header("X-Total-Count", "2")
                .body("id", contains(third, first));
        as(session)
                .get("/api/v1/tokens?status=revoked")
                .then()
                .header("X-Total-Count", "1")
                .body("[0].id", equalTo(second))
                .body("[0].status", equalTo("revoked"))
                .body("[0].revokedReason", equalTo("owner"));
        as(session).get("/api/v1/tokens?status=expired").then().header("X-Total-Count", "0");
        isProblem(as(session).get("/api/v1/tokens?status=bogus").then(), 400)
                .body("errors[0].field", equalTo("status"));
        isProblem(as(session).get("/api/v1/tokens?size=501").then(), 400);
    }

    @Test
    void patchChangesDescriptionAndScopesOnTheNextRequest() {
        String session = Api.aUser("deploy", "devices:read").session();
        Api.Issued token = Api.aToken(session, Map.of());
        given().header("Authorization", "Bearer " + token.value())
                .get("/auth/verify?scope=devices:read")
                .then()
                .statusCode(200);
        as(session)
                .contentType(ContentType.JSON)
                .body(Map.of("scopes", List.of("deploy"), "description", "narrowed"))
                .patch("/api/v1/tokens/" + token.id())
                .then()
                .statusCode(200)
                .body("scopes", contains("deploy"))
                .body("description", equalTo("narrowed"));
        isProblem(as(token.value()).get("/auth/verify?scope=devices:read").then(), 403)
                .body("detail", containsString("devices:read"));
        as(token.value()).get("/auth/verify?scope=deploy").then().statusCode(200);
        isProblem(
                as(session)
                        .contentType(ContentType.JSON)
                        .body(Map.of("scopes", List.of("admin")))
                        .patch("/api/v1/tokens/" + token.id())
                        .then(),
                400);
    }

    @Test
    void regenerateKillsTheOldValueAtOnceWithoutGrace() {
        String session = Api.aUser().session();
        Api.Issued token = Api.aToken(session, Map.of());
        String fresh = as(session)
                .contentType(ContentType.JSON)
                .body(Map.of("expiresInDays", 7))
                .post("/api/v1/tokens/" + token.id() + "/regenerate")
                .then()
                .statusCode(200)
                .body("id", equalTo(token.id()))
                .body("token", not(equalTo(token.value())))
                .extract()
                .path("token");
        isProblem(as(token.value()).get("/api/v1/me").then(), 401);
        as(fresh).get("/api/v1/me").then().statusCode(200).body("tokenId", equalTo(token.id()));
    }

    @Test
    void regenerateWithGraceKeepsTheOldValueForAWhile() throws InterruptedException {
        String session = Api.aUser().session();
        Api.Issued token = Api.aToken(session, Map.of());
        String fresh = as(session)
                .contentType(ContentType.JSON)
                .body(Map.of("expiresInDays", 7, "graceSeconds", 2))
                .post("/api/v1/tokens/" + token.id() + "/regenerate")
                .then()
                .statusCode(200)
                .extract()
                .path("token");
        as(token.value()).get("/api/v1/me").then().statusCode(200);
        as(fresh).get("/api/v1/me").then().statusCode(200);
        Thread.sleep(3_000);
        isProblem(as(token.value()).get("/api/v1/me").then(), 401);
        as(fresh).get("/api/v1/me").then().statusCode(200);
        isProblem(
                        as(session)
                                .contentType(ContentType.JSON)
                                .body(Map.of("graceSeconds", 86401))
                                .post("/api/v1/tokens/" + token.id() + "/regenerate")
                                .then(),
                        400)
                .body("errors[0].field", equalTo("graceSeconds"));
    }

    @Test
    void revokeIsIdempotentAndImmediate() {
        String session = Api.aUser().session();
        Api.Issued token = Api.aToken(session, Map.of());
        as(token.value()).get("/api/v1/me").then().statusCode(200);
        as(session).delete("/api/v1/tokens/" + token.id()).then().statusCode(204);
        as(session).delete("/api/v1/tokens/" + token.id()).then().statusCode(204);
        isProblem(as(token.value()).get("/api/v1/me").then(), 401);
        as(session)
                .get("/api/v1/tokens/" + token.id())
                .then()
                .statusCode(200)
                .body("status", equalTo("revoked"))
                .body("revokedReason", equalTo("owner"))
                .body("revokedAt", notNullValue());
        isProblem(
                as(session)
                        .contentType(ContentType.JSON)
                        .body(Map.of())
                        .post("/api/v1/tokens/" + token.id() + "/regenerate")
                        .then(),
                409);
    }

    @Test
    void someoneElsesTokenIs404AndAnAdminsIsNot() {
        String aliceSession = Api.aUser().session();
        Api.Issued token = Api.aToken(aliceSession, Map.of());
        String mallory = Api.aUser().session();
        isProblem(as(mallory).get("/api/v1/tokens/" + token.id()).then(), 404);
        isProblem(
                as(mallory)
                        .contentType(ContentType.JSON)
                        .body(Map.of("description", "mine now"))
                        .patch("/api/v1/tokens/" + token.id())
                        .then(),
                404);
        isProblem(
                as(mallory)
                        .contentType(ContentType.JSON)
                        .body(Map.of())
                        .post("/api/v1/tokens/" + token.id() + "/regenerate")
                        .then(),
                404);
        isProblem(as(mallory).delete("/api/v1/tokens/" + token.id()).then(), 404);
        isProblem(as(mallory).get("/api/v1/tokens/" + UUID.randomUUID()).then(), 404);
        as(token.value()).get("/api/v1/me").then().statusCode(200); // untouched

        String admin = Api.adminSession();
        as(admin).get("/api/v1/tokens/" + token.id()).then().statusCode(200).body("id", equalTo(token.id()));
        as(admin).delete("/api/v1/tokens/" + token.id()).then().statusCode(204);
        isProblem(as(token.value()).get("/api/v1/me").then(), 401);
        as(aliceSession).get("/api/v1/tokens/" + token.id()).then().body("revokedReason", equalTo("admin"));
    }

    @Test
    void selfAnswersForThePatMakingTheRequest() {
        String session = Api.aUser("deploy").session();
        Api.Issued token = Api.aToken(session, Map.of("name", "who am i"));
        as(token.value())
                .get("/api/v1/tokens/self")
                .then()
                .statusCode(200)
                .body("id", equalTo(token.id()))
                .body("name", equalTo("who am i"))
                .body("$", not(hasKey("token")));
        isProblem(as(session).get("/api/v1/tokens/self").then(), 403);
    }

    @Test
    void adminsListEveryonesTokensAndOthersCannot() {
        Api.TestUser bob = Api.aUser();
        String bobToken = Api.aToken(bob.session(), Map.of()).id();
        String admin = Api.adminSession();
        as(admin)
                .get("/api/v1/admin/tokens?username=" + bob.username())
                .then()
                .statusCode(200)
                .header("X-Total-Count", "1")
                .body("[0].id", equalTo(bobToken))
                .body("[0].owner", equalTo(bob.username()));
        as(admin)
                .get("/api/v1/admin/tokens?username=nobody-at-all")
                .then()
                .statusCode(200)
                .header("X-Total-Count", "0");
        as(admin).get("/api/v1/admin/tokens").then().statusCode(200).header("X-Total-Count", not(equalTo("0")));
        isProblem(as(bob.session()).get("/api/v1/admin/tokens").then(), 403);
    }

    @Test
    void disablingOrDeletingTheOwnerRevokesTheirTokens() {
        String admin = Api.adminSession();
        Api.TestUser carol = Api.aUser();
        Api.Issued carolToken = Api.aToken(carol.session(), Map.of());
        as(admin)
                .contentType(ContentType.JSON)
                .body(Map.of("disabled", true))
                .patch("/api/v1/users/" + carol.id())
                .then()
                .statusCode(200);
        isProblem(as(carolToken.value()).get("/api/v1/me").then(), 401);
        as(admin).get("/api/v1/tokens/" + carolToken.id()).then().body("revokedReason", equalTo("user-disabled"));

        Api.TestUser dave = Api.aUser();
        Api.Issued daveToken = Api.aToken(dave.session(), Map.of());
        as(admin).delete("/api/v1/users/" + dave.id()).then().statusCode(204);
        isProblem(as(daveToken.value()).get("/api/v1/me").then(), 401);
        as(admin)
                .get("/api/v1/admin/tokens?username=" + dave.username())
                .then()
                .statusCode(200)
                .body("[0].status", equalTo("revoked"))
                .body("[0].revokedReason", equalTo("user-deleted"));
        // and the name is free again for a new account
        as(admin)
                .contentType(ContentType.JSON)
                .body(Map.of("username", dave.username(), "password", Api.PASSWORD))
                .post("/api/v1/users")
                .then()
                .statusCode(201);
    }

    @Test
    void demotingTheOwnerNarrowsTheirTokensAtOnce() {
        Api.TestUser erin = Api.aUser("deploy", "devices:read");
        Api.Issued token = Api.aToken(erin.session(), Map.of());
        as(token.value())
                .get("/auth/verify?scope=deploy")
                .then()
                .statusCode(200)
                .header("X-Auth-Scopes", "deploy,devices:read");
        as(Api.adminSession())
                .contentType(ContentType.JSON)
                .body(Map.of("roles", List.of("devices:read")))
                .patch("/api/v1/users/" + erin.id())
                .then()
                .statusCode(200);
        isProblem(as(token.value()).get("/auth/verify?scope=deploy").then(), 403);
        as(token.value()).get("/auth/verify").then().statusCode(200).header("X-Auth-Scopes", "devices:read");
    }
}
