package io.patgate.integration;

import static io.patgate.support.Api.as;
import static io.patgate.support.Api.isProblem;
import static io.patgate.support.Eventually.eventually;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.*;
import static org.junit.jupiter.api.Assertions.*;

import com.nimbusds.oauth2.sdk.TokenIntrospectionRequest;
import com.nimbusds.oauth2.sdk.TokenIntrospectionResponse;
import com.nimbusds.oauth2.sdk.TokenIntrospectionSuccessResponse;
import com.nimbusds.oauth2.sdk.TokenRevocationRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import io.patgate.support.Api;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class OAuthTest {

    @TestHTTPResource("/oauth/introspect")
    URI introspect;

    @TestHTTPResource("/oauth/revoke")
    URI revoke;

    private static String gateway() {
        return Api.aToken(Api.aUser("introspect").session(), Map.of()).value();
    }

    @Test
    void introspectionDescribesAnActiveToken() {
        Api.TestUser alice = Api.aUser("deploy", "devices:read");
        Api.Issued token = Api.aToken(alice.session(), Map.of("scopes", List.of("deploy", "devices:read")));
        as(gateway())
                .contentType(ContentType.URLENC)
                .formParam("token", token.value())
                .formParam("token_type_hint", "access_token")
                .post("/oauth/introspect")
                .then()
                .statusCode(200)
                .contentType(ContentType.JSON)
                .body("active", equalTo(true))
                .body("sub", equalTo(alice.id()))
                .body("username", equalTo(alice.username()))
                .body("scope", equalTo("deploy devices:read"))
                .body("jti", equalTo(token.id()))
                .body("token_type", equalTo("Bearer"))
                .body("exp", greaterThan((int) (System.currentTimeMillis() / 1000)))
                .body("iat", lessThanOrEqualTo((int) (System.currentTimeMillis() / 1000) + 1));
    }

    @Test
    void anythingNotValidNowIsExactlyInactive() {
        String gateway = gateway();
        String session = Api.aUser().session();
        Api.Issued revoked = Api.aToken(session, Map.of());
        as(session).delete("/api/v1/tokens/" + revoked.id()).then().statusCode(204);
        for (String token : List.of("garbage", "a.b.c", revoked.value(), "")) {
            String body = as(gateway)
                    .contentType(ContentType.URLENC)
                    .formParam("token", token)
                    .post("/oauth/introspect")
                    .then()
                    .statusCode(200)
                    .extract()
                    .body()
                    .asString();
            assertEquals("{\"active\":false}", body);
        }
    }

    @Test
    void aFencedTokenIsDescribedWithItsNetworksNotJudgedByTheGatewaysAddress() {
        // review issue 25, finding 3: the fence belongs to the client that presented the token, which only the
        // resource server knows; the gateway here asks from 127.0.0.1, outside the token's network
        Api.Issued fenced = Api.aToken(
                Api.aUser("deploy").session(), Map.of("allowedCidrs", List.of("10.0.0.0/8", "2001:db8::/32")));
        as(gateway())
                .contentType(ContentType.URLENC)
                .formParam("token", fenced.value())
                .post("/oauth/introspect")
                .then()
                .statusCode(200)
                .body("active", equalTo(true))
                .body("jti", equalTo(fenced.id()))
                .body("allowed_cidrs", contains("10.0.0.0/8", "2001:db8::/32"));
        // a token that is not fenced has no such member
        Api.Issued open = Api.aToken(Api.aUser("deploy").session(), Map.of());
        assertFalse(as(gateway())
                .contentType(ContentType.URLENC)
                .formParam("token", open.value())
                .post("/oauth/introspect")
                .then()
                .statusCode(200)
                .body("active", equalTo(true))
                .extract()
                .body()
                .asString()
                .contains("allowed_cidrs"));
        // presented by a client from outside its networks, the fenced token is still refused there
        isProblem(as(fenced.value()).get("/auth/verify").then(), 401);
        isProblem(as(fenced.value()).get("/api/v1/me").then(), 401);
    }

    @Test
    void theGatewaysOwnCredentialIsStillFencedToItsNetworks() {
        String session = Api.aUser("introspect").session();
        String outside = Api.aToken(session, Map.of("allowedCidrs", List.of("10.0.0.0/8")))
                .value();
        String inside = Api.aToken(session, Map.of("allowedCidrs", List.of("127.0.0.0/8")))
                .value();
        Api.Issued token = Api.aToken(Api.aUser("deploy").session(), Map.of());
        isProblem(
                as(outside)
                        .contentType(ContentType.URLENC)
                        .formParam("token", token.value())
                        .post("/oauth/introspect")
                        .then(),
                401);
        as(inside)
                .contentType(ContentType.URLENC)
                .formParam("token", token.value())
                .post("/oauth/introspect")
                .then()
                .statusCode(200)
                .body("active", equalTo(true));
    }

    /** What the database holds of a token's last use (no injection: this class also runs against the packaged jar, as OAuthIT). */
    private static java.time.Instant storedLastUse(String tokenId) {
        try (java.sql.Connection db = java.sql.DriverManager.getConnection(
                        "jdbc:postgresql://localhost:"
                                + System.getProperty(io.patgate.support.EmbeddedPostgresResource.PORT) + "/postgres",
                        "postgres",
                        "postgres");
                java.sql.PreparedStatement query = db.prepareStatement(
                        "select (select g.last_used_at from token_usage g where g.token_id = t.id) from access_token t where t.id = ?")) {
            query.setObject(1, java.util.UUID.fromString(tokenId));
            try (java.sql.ResultSet row = query.executeQuery()) {
                assertTrue(row.next(), "no token " + tokenId);
                java.sql.Timestamp at = row.getTimestamp(1);
                return at == null ? null : at.toInstant();
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void introspectionRecordsNoUseOfTheTokenAskedAbout() throws InterruptedException {
        String session = Api.aUser("deploy").session();
        Api.Issued used = Api.aToken(session, Map.of());
        Api.Issued fenced = Api.aToken(session, Map.of("allowedCidrs", List.of("10.0.0.0/8")));
        as(used.value()).get("/auth/verify").then().statusCode(200); // its client's use, from 127.0.0.1
        io.restassured.path.json.JsonPath before = as(session)
                .get("/api/v1/tokens/" + used.id())
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        Thread.sleep(1_100); // a use in a later second would move lastUsedAt

        Api.Issued gateway = Api.aToken(Api.aUser("introspect").session(), Map.of());
        as(gateway.value())
                .contentType(ContentType.URLENC)
                .formParam("token", used.value())
                .post("/oauth/introspect")
                .then()
                .statusCode(200)
                .body("active", equalTo(true));
        as(session)
                .get("/api/v1/tokens/" + used.id())
                .then()
                .statusCode(200)
                .body("lastUsedAt", equalTo(before.getString("lastUsedAt")))
                .body("lastUsedIp", equalTo("127.0.0.1"))
                .body("recentIps.size()", equalTo(1));
        as(gateway.value())
                .contentType(ContentType.URLENC)
                .formParam("token", fenced.value())
                .post("/oauth/introspect")
                .then()
                .statusCode(200)
                .body("active", equalTo(true));
        as(session)
                .get("/api/v1/tokens/" + fenced.id())
                .then()
                .statusCode(200)
                .body("lastUsedAt", nullValue())
                .body("lastUsedIp", nullValue())
                .body("recentIps", empty());

        // the gateway's own use is recorded like any request's: once it is written, so is anything the introspections
        // recorded
        eventually(Duration.ofSeconds(20), () -> assertNotNull(storedLastUse(gateway.id())));
        assertNull(storedLastUse(fenced.id()));
        assertEquals(
                java.time.Instant.parse(before.getString("lastUsedAt")).getEpochSecond(),
                storedLastUse(used.id()).getEpochSecond());
        as(session)
                .get("/api/v1/tokens/" + used.id())
                .then()
                .statusCode(200)
                .body("lastUsedAt", equalTo(before.getString("lastUsedAt")));
    }

    @Test
    void introspectionNeedsTheIntrospectRole() {
        String plain = Api.aUser("deploy").session();
        isProblem(
                        as(plain)
                                .contentType(ContentType.URLENC)
                                .formParam("token", "x")
                                .post("/oauth/introspect")
                                .then(),
                        403)
                .body("detail", containsString("introspect"));
        isProblem(
                given().contentType(ContentType.URLENC)
                        .formParam("token", "x")
                        .post("/oauth/introspect")
                        .then(),
                401);
        as(Api.adminSession())
                .contentType(ContentType.URLENC)
                .formParam("token", "x")
                .post("/oauth/introspect")
                .then()
                .statusCode(200);
    }

    @Test
    void introspectionRefusesWhatIsNoIntrospectionRequestWithAProblem() {
        String gateway = gateway();
        isProblem(as(gateway).get("/oauth/introspect").then(), 405).header("Allow", "POST");
        isProblem(
                as(gateway)
                        .contentType(ContentType.JSON)
                        .body(Map.of("token", "x"))
                        .post("/oauth/introspect")
                        .then(),
                415);
        isProblem(
                as(gateway)
                        .contentType(ContentType.URLENC)
                        .formParam("token", "x".repeat(20_000))
                        .post("/oauth/introspect")
                        .then(),
                413);
        isProblem(
                        as("not-a-token")
                                .contentType(ContentType.URLENC)
                                .formParam("token", "x")
                                .post("/oauth/introspect")
                                .then(),
                        401)
                .header("WWW-Authenticate", containsString("Bearer"));
        // a form without a token field describes nothing
        assertEquals(
                "{\"active\":false}",
                as(gateway)
                        .contentType(ContentType.URLENC)
                        .formParam("token_type_hint", "access_token")
                        .post("/oauth/introspect")
                        .then()
                        .statusCode(200)
                        .header("Cache-Control", "no-store")
                        .extract()
                        .body()
                        .asString());
        // the answers carry the request's id and the headers of every browser-reachable path, like the REST endpoints'
        as(gateway)
                .contentType(ContentType.URLENC)
                .formParam("token", "x")
                .post("/oauth/introspect")
                .then()
                .statusCode(200)
                .header("X-Request-Id", matchesPattern("[0-9a-f-]{36}"))
                .header("X-Content-Type-Options", "nosniff")
                .header("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
    }

    @Test
    void aBodyThatDoesNotSayItsLengthIsCutOffPastTheLimit() throws Exception {
        // chunked, with no Content-Length: the limit holds as the bytes arrive, and the connection is not read to the
        // end
        byte[] form = ("token=" + "x".repeat(40_000)).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        java.net.http.HttpResponse<String> answer = java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(introspect)
                                .header("Authorization", "Bearer " + gateway())
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(
                                        () -> new java.io.ByteArrayInputStream(form)))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(413, answer.statusCode(), answer.body());
        assertEquals(
                "application/problem+json",
                answer.headers().firstValue("Content-Type").orElse(""));
        org.hamcrest.MatcherAssert.assertThat(answer.body(), containsString("\"requestId\""));
    }

    @Test
    void aFormThatArrivesInPiecesIsPutTogether() throws Exception {
        // a slow client: the body in three chunks, each sent on its own after a pause, so the server reads them apart
        Api.Issued token = Api.aToken(Api.aUser("deploy").session(), Map.of());
        String form = "token_type_hint=access_token&token=" + token.value();
        int third = form.length() / 3;
        List<String> pieces =
                List.of(form.substring(0, third), form.substring(third, 2 * third), form.substring(2 * third));
        try (java.net.Socket socket = new java.net.Socket(introspect.getHost(), introspect.getPort())) {
            socket.setSoTimeout(10_000);
            var out = socket.getOutputStream();
            out.write(("POST /oauth/introspect HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + gateway()
                            + "\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.flush();
            for (String piece : pieces) {
                Thread.sleep(100);
                out.write((Integer.toHexString(piece.length()) + "\r\n" + piece + "\r\n")
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                out.flush();
            }
            out.write("0\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.flush();
            String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
            org.hamcrest.MatcherAssert.assertThat(
                    answer, allOf(containsString("\"active\":true"), containsString("\"jti\":\"" + token.id() + "\"")));
        }
    }

    @Test
    void aGatewayMayIntrospectWithItsTokenAsABasicPassword() {
        Api.TestUser gatewayUser = Api.aUser("introspect");
        String gateway = Api.aToken(gatewayUser.session(), Map.of()).value();
        Api.Issued token = Api.aToken(Api.aUser("deploy").session(), Map.of());
        given().auth()
                .preemptive()
                .basic(gatewayUser.username(), gateway)
                .contentType(ContentType.URLENC)
                .formParam("token", token.value())
                .post("/oauth/introspect")
                .then()
                .statusCode(200)
                .body("active", equalTo(true))
                .body("jti", equalTo(token.id()));
        // its password is no credential here: only a personal access token is
        isProblem(
                given().auth()
                        .preemptive()
                        .basic(gatewayUser.username(), Api.PASSWORD)
                        .contentType(ContentType.URLENC)
                        .formParam("token", token.value())
                        .post("/oauth/introspect")
                        .then(),
                401);
    }

    @Test
    void revocationAlwaysAnswers200AndRevokesWithReasonLeakReport() {
        String session = Api.aUser().session();
        Api.Issued leaked = Api.aToken(session, Map.of());
        given().contentType(ContentType.URLENC)
                .formParam("token", leaked.value())
                .post("/oauth/revoke")
                .then()
                .statusCode(200);
        isProblem(as(leaked.value()).get("/api/v1/me").then(), 401);
        as(session).get("/api/v1/tokens/" + leaked.id()).then().body("revokedReason", equalTo("leak-report"));
        // again, and garbage: 200 all the same
        given().contentType(ContentType.URLENC)
                .formParam("token", leaked.value())
                .post("/oauth/revoke")
                .then()
                .statusCode(200);
        given().contentType(ContentType.URLENC)
                .formParam("token", "garbage")
                .post("/oauth/revoke")
                .then()
                .statusCode(200);
        given().contentType(ContentType.URLENC).post("/oauth/revoke").then().statusCode(200);
        // and a leaked session ends
        String other = Api.aUser().session();
        given().contentType(ContentType.URLENC)
                .formParam("token", other)
                .post("/oauth/revoke")
                .then()
                .statusCode(200);
        isProblem(as(other).get("/api/v1/me").then(), 401);
        // the owner sees why
        as(session)
                .get("/api/v1/audit?tokenId=" + leaked.id() + "&action=token.leak-reported")
                .then()
                .statusCode(200)
                .header("X-Total-Count", "1")
                .body("[0].actor", equalTo("anonymous"));
    }

    @Test
    void nimbusSpeaksToItByTheBook() throws Exception {
        String session = Api.aUser("deploy").session();
        Api.Issued token = Api.aToken(session, Map.of());
        HTTPResponse raw = new TokenIntrospectionRequest(
                        introspect, new BearerAccessToken(gateway()), new BearerAccessToken(token.value()))
                .toHTTPRequest()
                .send();
        TokenIntrospectionResponse response = TokenIntrospectionResponse.parse(raw);
        assertTrue(response.indicatesSuccess(), raw.getBody());
        TokenIntrospectionSuccessResponse success = response.toSuccessResponse();
        assertTrue(success.isActive());
        assertEquals(token.id(), success.getJWTID().getValue());
        assertEquals("deploy", success.getScope().toString());

        HTTPResponse revoked = new TokenRevocationRequest(
                        revoke, new ClientID("leak-scanner"), new BearerAccessToken(token.value()))
                .toHTTPRequest()
                .send();
        assertEquals(200, revoked.getStatusCode());

        TokenIntrospectionSuccessResponse after = TokenIntrospectionResponse.parse(new TokenIntrospectionRequest(
                                introspect, new BearerAccessToken(gateway()), new BearerAccessToken(token.value()))
                        .toHTTPRequest()
                        .send())
                .toSuccessResponse();
        assertFalse(after.isActive());
    }
}
