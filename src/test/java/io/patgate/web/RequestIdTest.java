package io.patgate.web;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.*;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

/** Every answer names its request, and a problem body carries the same id, so an error report leads to the log lines. */
@QuarkusTest
class RequestIdTest {

    @Test
    void aProblemNamesTheRequestItAnswersOnEveryLayer() {
        // the REST layer (no failed logins here: they count against this client's address)
        String id = given().get("/api/v1/me")
                .then()
                .statusCode(401)
                .header(RequestIds.HEADER, matchesPattern("[0-9a-f-]{36}"))
                .extract()
                .header(RequestIds.HEADER);
        given().get("/api/v1/me")
                .then()
                .statusCode(401)
                .body("requestId", not(equalTo(id)))
                .body("requestId", matchesPattern("[0-9a-f-]{36}"));
        given().contentType(ContentType.JSON)
                .body("{not json")
                .post("/api/v1/auth/login")
                .then()
                .statusCode(400)
                .body("requestId", matchesPattern("[0-9a-f-]{36}"));
        // the plain routes on the hot path
        String verify =
                given().get("/auth/verify").then().statusCode(401).extract().header(RequestIds.HEADER);
        given().header("Authorization", "Bearer nonsense")
                .get("/auth/verify")
                .then()
                .statusCode(401)
                .body("requestId", not(emptyOrNullString()))
                .body("requestId", not(equalTo(verify)));
    }

    @Test
    void aGatewaysRequestIdCarriesThroughAndAHostileOneIsReplaced() {
        given().header(RequestIds.HEADER, "gw-7f3a9c21-0001")
                .get("/auth/verify")
                .then()
                .statusCode(401)
                .header(RequestIds.HEADER, "gw-7f3a9c21-0001")
                .body("requestId", equalTo("gw-7f3a9c21-0001"));
        given().header(RequestIds.HEADER, "evil\" injected=1 <script>")
                .get("/auth/verify")
                .then()
                .statusCode(401)
                .header(RequestIds.HEADER, matchesPattern("[0-9a-f-]{36}"));
        given().get("/.well-known/jwks.json").then().statusCode(200).header(RequestIds.HEADER, notNullValue());
    }
}
