package io.patgate.web;

import static io.patgate.support.Api.as;
import static io.patgate.support.Api.isProblem;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.*;

import io.patgate.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A value of the wrong type is a 400 naming its field, on every body, and stores nothing; so is an absurd page. */
@QuarkusTest
class StrictInputTest {

    @Test
    void wrongJsonTypesAreRefusedNotCoerced() {
        Api.TestUser user = Api.aUser("deploy");
        String session = user.session();
        Map<String, String> create = Map.of(
                "{\"name\": 5}", "name",
                "{\"name\": true}", "name",
                "{\"name\": \"t\", \"expiresInDays\": 1.5}", "expiresInDays",
                "{\"name\": \"t\", \"expiresInDays\": \"7\"}", "expiresInDays",
                "{\"name\": \"t\", \"scopes\": \"deploy\"}", "scopes",
                "{\"name\": \"t\", \"scopes\": [5]}", "scopes[0]",
                "{\"name\": \"t\", \"neverExpires\": \"false\"}", "neverExpires",
                "{\"name\": \"t\", \"expiresAt\": 1900000000}", "expiresAt",
                "{\"name\": \"t\", \"allowedCidrs\": \"10.0.0.0/8\"}", "allowedCidrs");
        create.forEach((body, field) -> isProblem(
                        as(session)
                                .contentType(ContentType.JSON)
                                .body(body)
                                .post("/api/v1/tokens")
                                .then(),
                        400)
                .body("errors[0].field", equalTo(field)));
        as(session).get("/api/v1/tokens").then().header("X-Total-Count", "0");

        String id = Api.aToken(session, Map.of("name", "kept")).id();
        isProblem(
                        as(session)
                                .contentType(ContentType.JSON)
                                .body("{\"description\": 12}")
                                .patch("/api/v1/tokens/" + id)
                                .then(),
                        400)
                .body("errors[0].field", equalTo("description"));
        isProblem(
                        as(session)
                                .contentType(ContentType.JSON)
                                .body("{\"expiresInDays\": 30, \"graceSeconds\": \"60\"}")
                                .post("/api/v1/tokens/" + id + "/regenerate")
                                .then(),
                        400)
                .body("errors[0].field", equalTo("graceSeconds"));
        as(session).get("/api/v1/tokens/" + id).then().body("description", nullValue());

        String admin = Api.adminSession();
        isProblem(
                        as(admin)
                                .contentType(ContentType.JSON)
                                .body("{\"username\": \"typed\", \"password\": 123456789}")
                                .post("/api/v1/users")
                                .then(),
                        400)
                .body("errors[0].field", equalTo("password"));
        isProblem(
                        as(admin)
                                .contentType(ContentType.JSON)
                                .body("{\"disabled\": \"true\"}")
                                .patch("/api/v1/users/" + user.id())
                                .then(),
                        400)
                .body("errors[0].field", equalTo("disabled"));
        isProblem(
                        as(admin)
                                .contentType(ContentType.JSON)
                                .body("{\"roles\": \"admin\"}")
                                .patch("/api/v1/users/" + user.id())
                                .then(),
                        400)
                .body("errors[0].field", equalTo("roles"));
        as(user.session()).get("/api/v1/me").then().body("roles", contains("deploy"));
        isProblem(
                        given().contentType(ContentType.JSON)
                                .body("{\"username\": 5, \"password\": \"x\"}")
                                .post("/api/v1/auth/login")
                                .then(),
                        400)
                .body("errors[0].field", equalTo("username"));
    }

    @Test
    void absurdPagesAre400NamingTheParameterOnEveryList() {
        String admin = Api.adminSession();
        for (String list : List.of("/api/v1/audit", "/api/v1/tokens", "/api/v1/users", "/api/v1/admin/tokens")) {
            isProblem(as(admin).get(list + "?page=5000000&size=500").then(), 400)
                    .body("errors[0].field", equalTo("page"));
            isProblem(as(admin).get(list + "?page=99999999999").then(), 400).body("errors[0].field", equalTo("page"));
            isProblem(as(admin).get(list + "?size=0").then(), 400).body("errors[0].field", equalTo("size"));
            isProblem(as(admin).get(list + "?size=abc").then(), 400).body("errors[0].field", equalTo("size"));
            as(admin).get(list + "?page=200000&size=500").then().statusCode(200).body("$", empty());
        }
    }
}
