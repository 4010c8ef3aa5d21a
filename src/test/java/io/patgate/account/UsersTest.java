package io.patgate.account;

import static io.patgate.support.Api.as;
import static io.patgate.support.Api.isProblem;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.patgate.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class UsersTest {

    private static int total(String session) {
        return Integer.parseInt(as(session)
                .get("/api/v1/users?size=1")
                .then()
                .statusCode(200)
                .extract()
                .header("X-Total-Count"));
    }

    @Test
    void duplicateUsernameIs409WhateverTheCaseAndStoresNothing() {
        String admin = Api.adminSession();
        Api.TestUser user = Api.aUser("deploy");
        int before = total(admin);
        isProblem(
                        as(admin)
                                .contentType(ContentType.JSON)
                                .body(Map.of(
                                        "username",
                                        user.username().toUpperCase(),
                                        "password",
                                        Api.PASSWORD,
                                        "roles",
                                        List.of()))
                                .post("/api/v1/users")
                                .then(),
                        409)
                .body("detail", containsString("already exists"));
        assertEquals(before, total(admin));
        // and the original account is untouched: its password still works
        user.session();
    }

    @Test
    void sixteenConcurrentCreatesOfOneNameMakeExactlyOneUser() throws Exception {
        String admin = Api.adminSession();
        String name = "race-" + UUID.randomUUID().toString().substring(0, 8);
        List<Integer> codes = Api.concurrently(
                16,
                () -> as(admin)
                        .contentType(ContentType.JSON)
                        .body(Map.of("username", name, "password", Api.PASSWORD))
                        .post("/api/v1/users")
                        .then()
                        .extract()
                        .statusCode());
        assertEquals(1, codes.stream().filter(c -> c == 201).count(), codes.toString());
        assertEquals(15, codes.stream().filter(c -> c == 409).count(), codes.toString());
    }

    @Test
    void nonAdminsGet403OnEveryUserEndpoint() {
        String session = Api.aUser("deploy").session();
        String someone = Api.aUser().id();
        isProblem(as(session).get("/api/v1/users").then(), 403);
        isProblem(as(session).get("/api/v1/users/" + someone).then(), 403);
        isProblem(
                as(session)
                        .contentType(ContentType.JSON)
                        .body(Map.of("username", "x-" + System.nanoTime(), "password", Api.PASSWORD))
                        .post("/api/v1/users")
                        .then(),
                403);
        isProblem(
                as(session)
                        .contentType(ContentType.JSON)
                        .body(Map.of("roles", List.of("admin")))
                        .patch("/api/v1/users/" + someone)
                        .then(),
                403);
        isProblem(as(session).delete("/api/v1/users/" + someone).then(), 403);
        isProblem(given().get("/api/v1/users").then(), 401);
    }

    @Test
    void unknownIdsAre404() {
        String admin = Api.adminSession();
        String unknown = UUID.randomUUID().toString();
        isProblem(as(admin).get("/api/v1/users/" + unknown).then(), 404);
        isProblem(
                as(admin)
                        .contentType(ContentType.JSON)
                        .body(Map.of("disabled", true))
                        .patch("/api/v1/users/" + unknown)
                        .then(),
                404);
        isProblem(as(admin).delete("/api/v1/users/" + unknown).then(), 404);
        isProblem(as(admin).get("/api/v1/users/not-a-uuid").then(), 404);
        isProblem(as(admin).get("/api/v1/users/' or 1=1 --").then(), 404);
    }

    @Test
    void invalidBodiesAre400WithEachFieldNamedAndStoreNothing() {
        String admin = Api.adminSession();
        int before = total(admin);
        isProblem(
                        as(admin)
                                .contentType(ContentType.JSON)
                                .body(Map.of("password", Api.PASSWORD))
                                .post("/api/v1/users")
                                .then(),
                        400)
                .body("errors.field", hasItem("username"));
        isProblem(
                        as(admin)
                                .contentType(ContentType.JSON)
                                .body(Map.of(
                                        "username",
                                        "has space",
                                        "password",
                                        "short",
                                        "roles",
                                        List.of("ok", "bad role!")))
                                .post("/api/v1/users")
                                .then(),
                        400)
                .body("errors.field", hasItems("username", "roles[1]"));
        isProblem(
                        as(admin)
                                .contentType(ContentType.JSON)
                                .body(Map.of("username", "pw-" + System.nanoTime(), "password", "short"))
                                .post("/api/v1/users")
                                .then(),
                        400)
                .body("errors[0].field", equalTo("password"));
        isProblem(
                        as(admin)
                                .contentType(ContentType.JSON)
                                .body(Map.of("username", "x".repeat(65), "password", Api.PASSWORD))
                                .post("/api/v1/users")
                                .then(),
                        400)
                .body("errors.field", hasItem("username"));
        isProblem(
                        as(admin)
                                .contentType(ContentType.JSON)
                                .body(Map.of(
                                        "username",
                                        "tk-" + System.nanoTime(),
                                        "password",
                                        Api.PASSWORD,
                                        "roles",
                                        List.of("tokens")))
                                .post("/api/v1/users")
                                .then(),
                        400)
                .body("errors[0].field", equalTo("roles"));
        isProblem(
                        as(admin)
                                .contentType(ContentType.JSON)
                                .body("{\"username\":\"x\",\"password\":\"" + Api.PASSWORD + "\",\"role\":[]}")
                                .post("/api/v1/users")
                                .then(),
                        400)
                .body("errors[0].field", equalTo("role"));
        isProblem(
                as(admin)
                        .contentType(ContentType.JSON)
                        .body("")
                        .post("/api/v1/users")
                        .then(),
                400);
        assertEquals(before, total(admin));
    }

    @Test
    void anInvalidPatchChangesNothing() {
        Api.TestUser user = Api.aUser("deploy");
        String admin = Api.adminSession();
        isProblem(
                        as(admin)
                                .contentType(ContentType.JSON)
                                .body(Map.of(
                                        "disabled",
                                        true,
                                        "roles",
                                        List.of("fine", "not fine!"),
                                        "password",
                                        "another good password"))
                                .patch("/api/v1/users/" + user.id())
                                .then(),
                        400)
                .body("errors[0].field", equalTo("roles[1]"));
        isProblem(
                as(admin)
                        .contentType(ContentType.JSON)
                        .body(Map.of("disabled", true, "password", "short"))
                        .patch("/api/v1/users/" + user.id())
                        .then(),
                400);
        as(admin)
                .get("/api/v1/users/" + user.id())
                .then()
                .statusCode(200)
                .body("disabled", equalTo(false))
                .body("roles", contains("deploy"));
        user.session(); // the old password still works
    }

    @Test
    void listIsPagedWithATotal() {
        String admin = Api.adminSession();
        Api.aUser();
        Api.aUser();
        int total = total(admin);
        as(admin)
                .get("/api/v1/users?page=0&size=2")
                .then()
                .statusCode(200)
                .header("X-Total-Count", String.valueOf(total))
                .body("size()", equalTo(2))
                .body("[0].username", notNullValue())
                .body("[0]", not(hasKey("passwordHash")));
        as(admin)
                .get("/api/v1/users?page=100000&size=500")
                .then()
                .statusCode(200)
                .body("size()", equalTo(0));
        isProblem(as(admin).get("/api/v1/users?size=501").then(), 400).body("errors[0].field", equalTo("size"));
        isProblem(as(admin).get("/api/v1/users?size=0").then(), 400);
        isProblem(as(admin).get("/api/v1/users?page=-1").then(), 400).body("errors[0].field", equalTo("page"));
        isProblem(as(admin).get("/api/v1/users?page=abc").then(), 400);
    }

    @Test
    void changingThePasswordRetiresTheOldOne() {
        Api.TestUser user = Api.aUser();
        String newPassword = "another perfectly fine password";
        as(Api.adminSession())
                .contentType(ContentType.JSON)
                .body(Map.of("password", newPassword))
                .patch("/api/v1/users/" + user.id())
                .then()
                .statusCode(200)
                .body("$", not(hasKey("password")));
        isProblem(
                given().contentType(ContentType.JSON)
                        .body(Map.of("username", user.username(), "password", Api.PASSWORD))
                        .post("/api/v1/auth/login")
                        .then(),
                401);
        Api.login(user.username(), newPassword);
    }

    @Test
    void theLastEnabledAdminCannotBeDisabledDemotedOrDeleted() {
        Api.TestUser b = Api.aUser("admin");
        String bSession = b.session();
        List<String> others = as(bSession)
                .get("/api/v1/users?size=500")
                .then()
                .extract()
                .jsonPath()
                .getList("findAll { it.roles.contains('admin') && !it.disabled && it.id != '" + b.id() + "' }.id");
        try {
            for (String id : others) {
                as(bSession)
                        .contentType(ContentType.JSON)
                        .body(Map.of("disabled", true))
                        .patch("/api/v1/users/" + id)
                        .then()
                        .statusCode(200);
            }
            // b is now the only enabled admin
            isProblem(
                    as(bSession)
                            .contentType(ContentType.JSON)
                            .body(Map.of("disabled", true))
                            .patch("/api/v1/users/" + b.id())
                            .then(),
                    409);
            isProblem(
                    as(bSession)
                            .contentType(ContentType.JSON)
                            .body(Map.of("roles", List.of("deploy")))
                            .patch("/api/v1/users/" + b.id())
                            .then(),
                    409);
            isProblem(as(bSession).delete("/api/v1/users/" + b.id()).then(), 409);
            as(bSession)
                    .get("/api/v1/users/" + b.id())
                    .then()
                    .statusCode(200)
                    .body("roles", contains("admin"))
                    .body("disabled", equalTo(false));
        } finally {
            for (String id : others) {
                as(bSession)
                        .contentType(ContentType.JSON)
                        .body(Map.of("disabled", false))
                        .patch("/api/v1/users/" + id)
                        .then()
                        .statusCode(200);
            }
        }
        // with another admin back, b may step down
        as(bSession)
                .contentType(ContentType.JSON)
                .body(Map.of("roles", List.of("deploy")))
                .patch("/api/v1/users/" + b.id())
                .then()
                .statusCode(200);
    }
}
