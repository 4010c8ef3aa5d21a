package io.patgate.support;

import static io.patgate.support.Api.as;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A SCIM client as an identity provider is set up against patgate: a service account with role {@code scim} and a token
 * of it with scope {@code scim}, and requests shaped as Okta and Entra ID send them ({@code application/scim+json}).
 */
public final class Scim {

    public static final String MEDIA_TYPE = "application/scim+json";
    public static final String ERROR = "urn:ietf:params:scim:api:messages:2.0:Error";
    public static final String USERS = "/scim/v2/Users";

    private Scim() {}

    /** The provisioning credential: the account's name and id, and the token's value. */
    public record Client(String accountId, String accountName, String token) {
        public RequestSpecification request() {
            return Scim.request(token);
        }
    }

    /** A service account with role {@code scim} (made by an admin) and a token of it with scope {@code scim}. */
    public static Client aClient() {
        String admin = Api.adminSession();
        String name = "scim-" + UUID.randomUUID().toString().substring(0, 8);
        String id = as(admin)
                .contentType(ContentType.JSON)
                .body(Map.of("name", name, "roles", List.of("scim")))
                .post("/api/v1/service-accounts")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        String token = as(admin)
                .contentType(ContentType.JSON)
                .body(Map.of("name", "identity provider", "scopes", List.of("scim")))
                .post("/api/v1/service-accounts/" + id + "/tokens")
                .then()
                .statusCode(201)
                .extract()
                .path("token");
        return new Client(id, name, token);
    }

    public static RequestSpecification request(String token) {
        return given().header("Authorization", "Bearer " + token)
                .contentType(MEDIA_TYPE)
                .accept(MEDIA_TYPE);
    }

    /** A SCIM error (RFC 7644 section 3.12) with this status, as SCIM's media type, never a problem document. */
    public static ValidatableResponse isScimError(ValidatableResponse response, int status) {
        return response.statusCode(status)
                .contentType(MEDIA_TYPE)
                .body("schemas", hasItem(ERROR))
                .body("status", equalTo(Integer.toString(status)));
    }

    /** A unique name, as Entra ID's validator makes them. */
    public static String aUserName() {
        return "Test_User_" + UUID.randomUUID();
    }
}
