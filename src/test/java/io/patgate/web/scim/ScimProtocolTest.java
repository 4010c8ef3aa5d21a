package io.patgate.web.scim;

import static io.patgate.support.Api.as;
import static io.patgate.support.Scim.USERS;
import static io.patgate.support.Scim.isScimError;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.patgate.support.Api;
import io.patgate.support.Scim;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * SCIM 2.0 as Okta and Entra ID speak it: the request bodies are those of Okta's "SCIM 2.0 protocol reference" and
 * Microsoft's "Develop and plan provisioning for a SCIM endpoint" (its validator's requests), with unique names.
 */
@QuarkusTest
class ScimProtocolTest {

    /** Okta's create: name, displayName, locale, a password and an empty groups list come along and are not kept. */
    static String oktaUser(String userName, String externalId, String displayName) {
        return """
                {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"%1$s",
                 "name":{"givenName":"Test","familyName":"User"},
                 "emails":[{"primary":true,"value":"%1$s","type":"work"}],
                 "displayName":"%3$s","locale":"en-US","externalId":"%2$s","groups":[],"password":"1mz050nq","active":true}
                """.formatted(userName, externalId, displayName);
    }

    /** Entra ID's create, with the enterprise extension's schema and empty roles. */
    static String entraUser(String userName, String externalId) {
        return """
                {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
                 "externalId":"%2$s","userName":"%1$s","active":true,
                 "emails":[{"primary":true,"type":"work","value":"%1$s@testuser.com"}],
                 "meta":{"resourceType":"User"},
                 "name":{"formatted":"givenName familyName","familyName":"familyName","givenName":"givenName"},"roles":[]}
                """.formatted(userName, externalId);
    }

    @Test
    void oktaCreatesFindsReplacesDeactivatesAndDeletesAUser() {
        Scim.Client okta = Scim.aClient();
        String userName = "test.user+" + UUID.randomUUID().toString().substring(0, 8) + "@okta.local";
        var created = okta.request()
                .body(oktaUser(userName, "00ujl29u0le5T6Aj10h7", "Test User"))
                .post(USERS)
                .then()
                .statusCode(201)
                .contentType(Scim.MEDIA_TYPE)
                .header("ETag", startsWith("W/\""))
                .body("schemas", hasItem("urn:ietf:params:scim:schemas:core:2.0:User"))
                .body("userName", equalTo(userName))
                .body("externalId", equalTo("00ujl29u0le5T6Aj10h7"))
                .body("active", equalTo(true))
                .body("emails[0].value", equalTo(userName))
                .body("emails[0].primary", equalTo(true))
                .body("roles", empty())
                .body("meta.resourceType", equalTo("User"))
                .body("meta.created", notNullValue())
                .body("meta.version", startsWith("W/\""))
                .extract();
        String id = created.path("id");
        assertEquals(created.header("Location"), created.path("meta.location"));
        org.junit.jupiter.api.Assertions.assertTrue(
                created.header("Location").endsWith(USERS + "/" + id), created.header("Location"));

        // Okta looks people up by userName first, in any case, with paging parameters
        okta.request()
                .queryParam("filter", "userName eq \"" + userName.toUpperCase() + "\"")
                .queryParam("startIndex", 1)
                .queryParam("count", 100)
                .get(USERS)
                .then()
                .statusCode(200)
                .contentType(Scim.MEDIA_TYPE)
                .body("schemas", hasItem("urn:ietf:params:scim:api:messages:2.0:ListResponse"))
                .body("totalResults", equalTo(1))
                .body("itemsPerPage", equalTo(1))
                .body("startIndex", equalTo(1))
                .body("Resources[0].id", equalTo(id));
        // the same account as the admin API's, with its origin
        as(Api.adminSession())
                .get("/api/v1/users/" + id)
                .then()
                .statusCode(200)
                .body("username", equalTo(userName))
                .body("origin", equalTo("scim"))
                .body("email", equalTo(userName))
                .body("emailConfirmed", equalTo(false));

        // a profile push: PUT with the whole user (its id, the password) again
        okta.request()
                .body(oktaUser(userName, "00ujl29u0le5T6Aj10h7", "Another User")
                        .replace("\"schemas\"", "\"id\":\"" + id + "\",\"schemas\"")
                        .replace("\"value\":\"" + userName + "\"", "\"value\":\"another@okta.local\""))
                .put(USERS + "/" + id)
                .then()
                .statusCode(200)
                .body("emails[0].value", equalTo("another@okta.local"))
                .body("active", equalTo(true));

        // deactivation: Okta's PATCH without a path
        okta.request().body("""
                        {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":false}}]}""").patch(USERS + "/" + id).then().statusCode(200).body("active", equalTo(false));
        okta.request().get(USERS + "/" + id).then().statusCode(200).body("active", equalTo(false));
        as(Api.adminSession()).get("/api/v1/users/" + id).then().body("disabled", equalTo(true));

        okta.request().delete(USERS + "/" + id).then().statusCode(204);
        isScimError(okta.request().get(USERS + "/" + id).then(), 404);
        as(Api.adminSession()).get("/api/v1/users/" + id).then().statusCode(404);
    }

    @Test
    void entraIdCreatesPatchesInItsOwnFormsAndDeletes() {
        Scim.Client entra = Scim.aClient();
        String userName = Scim.aUserName();
        String externalId = UUID.randomUUID().toString();
        // Entra asks for a name that does not exist before it creates
        entra.request()
                .queryParam("filter", "userName eq \"" + userName + "\"")
                .get(USERS)
                .then()
                .statusCode(200)
                .body("totalResults", equalTo(0))
                .body("Resources", empty());
        String id = entra.request()
                .contentType(ContentType.JSON)
                .body(entraUser(userName, externalId))
                .post(USERS)
                .then()
                .statusCode(201)
                .body("externalId", equalTo(externalId))
                .extract()
                .path("id");
        entra.request()
                .queryParam("filter", "externalId eq \"" + externalId + "\"")
                .get(USERS)
                .then()
                .body("Resources.id", contains(id));

        // capitalised ops, a filtered email path, an attribute patgate does not keep, roles added
        entra.request()
                .body("""
                        {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[
                          {"op":"Replace","path":"emails[type eq \\"work\\"].value","value":"updatedEmail@microsoft.com"},
                          {"op":"Replace","path":"name.familyName","value":"updatedFamilyName"},
                          {"op":"Add","path":"nickName","value":"Babs"},
                          {"op":"Add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department","value":"Ops"},
                          {"op":"Add","path":"roles","value":[{"primary":false,"type":"WindowsAzureActiveDirectoryRole","value":"deploy"},
                                                              {"value":"devices:read"}]}]}""")
                .patch(USERS + "/" + id)
                .then()
                .statusCode(200)
                .body("emails[0].value", equalTo("updatedEmail@microsoft.com"))
                .body("roles.value", containsInAnyOrder("deploy", "devices:read"));
        entra.request()
                .body("""
                        {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[
                          {"op":"Remove","path":"roles[value eq \\"deploy\\"]"}]}""")
                .patch(USERS + "/" + id)
                .then()
                .statusCode(200)
                .body("roles.value", contains("devices:read"));

        // deactivation: Entra's string boolean, then back
        entra.request().body("""
                        {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"active","value":"False"}]}""").patch(USERS + "/" + id).then().statusCode(200).body("active", equalTo(false));
        entra.request().body("""
                        {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"active","value":"True"}]}""").patch(USERS + "/" + id).then().statusCode(200).body("active", equalTo(true));

        // a userName cannot change: it names the account in tokens and the audit log
        isScimError(entra.request().body("""
                        {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[
                          {"op":"Replace","path":"userName","value":"5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com"}]}""").patch(USERS + "/" + id).then(), 400)
                .body("scimType", equalTo("mutability"));

        entra.request().delete(USERS + "/" + id).then().statusCode(204);
        isScimError(entra.request().delete(USERS + "/" + id).then(), 404);
    }

    @Test
    void discoveryDocumentsDescribeUsersOnly() {
        Scim.Client client = Scim.aClient();
        client.request()
                .get("/scim/v2/ServiceProviderConfig")
                .then()
                .statusCode(200)
                .contentType(Scim.MEDIA_TYPE)
                .body("schemas", hasItem("urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"))
                .body("patch.supported", equalTo(true))
                .body("filter.supported", equalTo(true))
                .body("bulk.supported", equalTo(false))
                .body("authenticationSchemes[0].type", equalTo("oauthbearertoken"));
        client.request()
                .get("/scim/v2/ResourceTypes")
                .then()
                .statusCode(200)
                .body("totalResults", equalTo(1))
                .body("Resources[0].endpoint", equalTo("/Users"))
                .body("Resources[0].schema", equalTo("urn:ietf:params:scim:schemas:core:2.0:User"));
        client.request()
                .get("/scim/v2/Schemas")
                .then()
                .statusCode(200)
                .body("Resources[0].id", equalTo("urn:ietf:params:scim:schemas:core:2.0:User"))
                .body("Resources[0].attributes.name", hasItems("userName", "externalId", "active", "emails", "roles"));
        client.request()
                .get("/scim/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:User")
                .then()
                .statusCode(200);
        // Groups are not served, and say so
        isScimError(client.request().get("/scim/v2/Groups").then(), 501).body("detail", containsString("no Groups"));
        isScimError(client.request().body("{}").post("/scim/v2/Groups").then(), 501);
        isScimError(client.request().get("/scim/v2/Nothing").then(), 404);
    }

    @Test
    void everyErrorIsASCIMErrorNeverAProblem() {
        Scim.Client client = Scim.aClient();
        isScimError(given().get(USERS).then(), 401).header("WWW-Authenticate", startsWith("Bearer"));
        isScimError(Scim.request("not-a-token").get(USERS).then(), 401);
        // a person's token without the scim scope, and an admin's session (admin is not scim)
        Api.TestUser person = Api.aUser("deploy");
        isScimError(
                        Scim.request(Api.aToken(person.session(), Map.of()).value())
                                .get(USERS)
                                .then(),
                        403)
                .body("detail", containsString("'scim'"));
        isScimError(
                Scim.request(Api.adminSession())
                        .get("/scim/v2/ServiceProviderConfig")
                        .then(),
                403);

        isScimError(
                        client.request()
                                .queryParam("filter", "name.givenName sw \"Bar\"")
                                .get(USERS)
                                .then(),
                        400)
                .body("scimType", equalTo("invalidFilter"));
        isScimError(
                        client.request()
                                .queryParam("filter", "userName eq \"a\" or userName eq \"b\"")
                                .get(USERS)
                                .then(),
                        400)
                .body("scimType", equalTo("invalidFilter"));
        isScimError(client.request().queryParam("count", "many").get(USERS).then(), 400)
                .body("scimType", equalTo("invalidValue"));
        isScimError(client.request().body("{\"userName\": ").post(USERS).then(), 400)
                .body("scimType", equalTo("invalidSyntax"));
        isScimError(
                        client.request()
                                .body("{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"]}")
                                .post(USERS)
                                .then(),
                        400)
                .body("scimType", equalTo("invalidValue"));
        isScimError(
                        client.request()
                                .body("{\"userName\":\"bad name with spaces\"}")
                                .post(USERS)
                                .then(),
                        400)
                .body("scimType", equalTo("invalidValue"));
        isScimError(
                        client.request()
                                .body("{\"userName\":\"x\",\"active\":\"maybe\"}")
                                .post(USERS)
                                .then(),
                        400)
                .body("scimType", equalTo("invalidValue"));
        isScimError(
                client.request()
                        .contentType("text/plain")
                        .body("userName")
                        .post(USERS)
                        .then(),
                415);
        isScimError(client.request().get(USERS + "/" + UUID.randomUUID()).then(), 404)
                .body("detail", equalTo("User not found"));
        isScimError(client.request().get(USERS + "/not-an-id").then(), 404);

        String userName = Scim.aUserName();
        String id = client.request()
                .body(ScimProtocolTest.entraUser(userName, "e-1"))
                .post(USERS)
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        isScimError(
                        client.request()
                                .body(entraUser(userName.toLowerCase(), "e-2"))
                                .post(USERS)
                                .then(),
                        409)
                .body("scimType", equalTo("uniqueness"));
        isScimError(
                        client.request()
                                .body("{\"Operations\":[{\"op\":\"jump\",\"path\":\"active\",\"value\":true}]}")
                                .patch(USERS + "/" + id)
                                .then(),
                        400)
                .body("scimType", equalTo("invalidSyntax"));
        isScimError(
                        client.request()
                                .body("{\"Operations\":[{\"op\":\"remove\"}]}")
                                .patch(USERS + "/" + id)
                                .then(),
                        400)
                .body("scimType", equalTo("noTarget"));
        isScimError(
                        client.request()
                                .body(
                                        "{\"Operations\":[{\"op\":\"add\",\"path\":\"favouriteColour\",\"value\":\"red\"}]}")
                                .patch(USERS + "/" + id)
                                .then(),
                        400)
                .body("scimType", equalTo("invalidPath"));
        isScimError(
                        client.request()
                                .body("{\"Operations\":[{\"op\":\"replace\",\"path\":\"id\",\"value\":\"x\"}]}")
                                .patch(USERS + "/" + id)
                                .then(),
                        400)
                .body("scimType", equalTo("mutability"));
    }

    @Test
    void listsArePagedFromStartIndexWithTheTotal() {
        Scim.Client client = Scim.aClient();
        for (int i = 0; i < 3; i++) {
            client.request()
                    .body(entraUser(Scim.aUserName(), "paged-" + i))
                    .post(USERS)
                    .then()
                    .statusCode(201);
        }
        JsonPath first = client.request()
                .queryParam("count", 3)
                .get(USERS)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        int total = first.getInt("totalResults");
        List<String> ids = first.getList("Resources.id");
        assertEquals(3, ids.size());
        client.request()
                .queryParam("startIndex", 2)
                .queryParam("count", 2)
                .get(USERS)
                .then()
                .statusCode(200)
                .body("totalResults", equalTo(total))
                .body("itemsPerPage", equalTo(2))
                .body("startIndex", equalTo(2))
                .body("Resources.id", contains(ids.get(1), ids.get(2)));
        client.request()
                .queryParam("startIndex", total)
                .queryParam("count", 10)
                .get(USERS)
                .then()
                .body("itemsPerPage", equalTo(1))
                .body("startIndex", equalTo(total));
        client.request()
                .queryParam("startIndex", total + 1)
                .get(USERS)
                .then()
                .body("itemsPerPage", equalTo(0))
                .body("Resources", empty());
        // count=0 asks only for the total; startIndex below 1 means 1
        client.request()
                .queryParam("count", 0)
                .get(USERS)
                .then()
                .body("totalResults", equalTo(total))
                .body("itemsPerPage", equalTo(0));
        client.request()
                .queryParam("startIndex", -5)
                .queryParam("count", 1)
                .get(USERS)
                .then()
                .body("startIndex", equalTo(1))
                .body("Resources.id", contains(ids.get(0)));
    }

    @Test
    void theOpenApiDescriptionDocumentsScimAndWhereAccountsComeFrom() {
        JsonPath spec = JsonPath.from(given().queryParam("format", "json")
                .get("/q/openapi")
                .then()
                .statusCode(200)
                .extract()
                .asString());
        String users = "paths.'/scim/v2/Users'";
        assertEquals(
                "test.user@okta.local",
                spec.getString(
                        users + ".post.requestBody.content.'application/scim+json'.examples.okta.value.userName"));
        assertEquals(
                "False",
                spec.getString("paths.'/scim/v2/Users/{id}'.patch.requestBody.content.'application/scim+json'"
                        + ".examples.'entra-deactivate'.value.Operations[0].value"));
        assertEquals(
                "uniqueness",
                spec.getString(users + ".post.responses.'409'.content.'application/scim+json'.example.scimType"));
        for (String path : List.of(
                "/scim/v2/ServiceProviderConfig", "/scim/v2/ResourceTypes", "/scim/v2/Schemas", "/scim/v2/Groups")) {
            org.hamcrest.MatcherAssert.assertThat(path, spec.getMap("paths.'" + path + "'"), notNullValue());
        }
        org.hamcrest.MatcherAssert.assertThat(
                spec.getList("components.schemas.User.properties.origin.enum"),
                containsInAnyOrder("local", "sso", "scim"));
    }
}
