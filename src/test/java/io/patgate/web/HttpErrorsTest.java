package io.patgate.web;

import static io.patgate.support.Api.as;
import static io.patgate.support.Api.isProblem;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.*;

import io.patgate.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

/** Whatever goes wrong, the answer is a problem document: never HTML, never a stack trace. */
@QuarkusTest
class HttpErrorsTest {

    @Test
    void malformedJsonIs400() {
        isProblem(
                        given().contentType(ContentType.JSON)
                                .body("{\"username\": \"admin\", ")
                                .post("/api/v1/auth/login")
                                .then(),
                        400)
                .body(not(containsString("Exception")))
                .body(not(containsString("at io.")));
        isProblem(
                given().contentType(ContentType.JSON)
                        .body("[1,2,3]")
                        .post("/api/v1/auth/login")
                        .then(),
                400);
        // types are strict: a number is no username (it used to be coerced, so the object password was the first error)
        isProblem(
                        given().contentType(ContentType.JSON)
                                .body("{\"username\": 42, \"password\": {}}")
                                .post("/api/v1/auth/login")
                                .then(),
                        400)
                .body("errors[0].field", equalTo("username"));
        isProblem(
                        given().contentType(ContentType.JSON)
                                .body("{\"username\": \"admin\", \"password\": {}}")
                                .post("/api/v1/auth/login")
                                .then(),
                        400)
                .body("errors[0].field", equalTo("password"));
    }

    @Test
    void missingFieldsAre400WithTheirNames() {
        isProblem(
                        given().contentType(ContentType.JSON)
                                .body("{}")
                                .post("/api/v1/auth/login")
                                .then(),
                        400)
                .body("errors.field", hasItems("username", "password"));
        isProblem(
                given().contentType(ContentType.JSON).post("/api/v1/auth/login").then(), 400);
    }

    @Test
    void wrongContentTypeIs415() {
        isProblem(
                given().contentType(ContentType.TEXT)
                        .body("username=admin")
                        .post("/api/v1/auth/login")
                        .then(),
                415);
        isProblem(
                given().contentType(ContentType.XML)
                        .body("<login/>")
                        .post("/api/v1/auth/login")
                        .then(),
                415);
    }

    @Test
    void oversizedBodyIs413() {
        String huge = "{\"username\":\"" + "a".repeat(200_000) + "\",\"password\":\"x\"}";
        isProblem(
                given().contentType(ContentType.JSON)
                        .body(huge)
                        .post("/api/v1/auth/login")
                        .then(),
                413);
    }

    @Test
    void unknownPathsUnderApiAre404() {
        isProblem(given().get("/api/v1/nope").then(), 404);
        isProblem(given().get("/api/nope/deeper").then(), 404);
        isProblem(
                as(Api.adminSession())
                        .get("/api/v1/users/" + java.util.UUID.randomUUID() + "/extra")
                        .then(),
                404);
    }

    @Test
    void wrongMethodIs405() {
        isProblem(given().get("/api/v1/auth/login").then(), 405);
        isProblem(as(Api.adminSession()).put("/api/v1/users").then(), 405);
    }

    @Test
    void problemsAreProblemJsonEvenWhenTheClientAsksForJson() {
        isProblem(given().accept(ContentType.JSON).get("/api/v1/me").then(), 401);
    }
}
