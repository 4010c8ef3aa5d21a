package io.patgate.token;

import static io.patgate.support.Api.as;
import static io.patgate.support.Api.isProblem;
import static org.hamcrest.Matchers.*;

import io.patgate.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a token reports about itself, and what a narrow token may not do. */
@QuarkusTest
class NarrowTokenTest {

    @Test
    void meAndSelfReportWhatTheTokenMayDoNow() {
        Api.TestUser ops = Api.aUser("deploy", "devices:write");
        Api.Issued token = Api.aToken(ops.session(), Map.of("scopes", List.of("deploy", "devices:write")));
        as(token.value()).get("/api/v1/me").then().body("scopes", contains("deploy", "devices:write"));

        as(Api.adminSession())
                .contentType(ContentType.JSON)
                .body(Map.of("roles", List.of("deploy")))
                .patch("/api/v1/users/" + ops.id())
                .then()
                .statusCode(200);

        as(token.value())
                .get("/api/v1/me")
                .then()
                .statusCode(200)
                .body("scopes", contains("deploy"))
                .body("grantedScopes", contains("deploy", "devices:write"));
        as(token.value())
                .get("/api/v1/tokens/self")
                .then()
                .statusCode(200)
                .body("scopes", contains("deploy"))
                .body("grantedScopes", contains("deploy", "devices:write"));
        // a session has no scopes: only roles
        as(ops.session())
                .get("/api/v1/me")
                .then()
                .body("$", not(hasKey("scopes")))
                .body("$", not(hasKey("grantedScopes")));
        // the owner's list still shows the grant, as the token was made
        as(ops.session())
                .get("/api/v1/tokens/" + token.id())
                .then()
                .body("scopes", contains("deploy", "devices:write"))
                .body("$", not(hasKey("grantedScopes")));
    }

    @Test
    void aFencedTokenCannotRegenerateOrChangeAnUnfencedOne() {
        Api.TestUser owner = Api.aUser("deploy");
        String session = owner.session();
        Api.Issued fenced = Api.aToken(
                session, Map.of("scopes", List.of("deploy", "tokens"), "allowedCidrs", List.of("127.0.0.0/8")));
        Api.Issued open = Api.aToken(session, Map.of("scopes", List.of("deploy")));
        Api.Issued wider =
                Api.aToken(session, Map.of("scopes", List.of("deploy"), "allowedCidrs", List.of("0.0.0.0/0")));
        Api.Issued inside =
                Api.aToken(session, Map.of("scopes", List.of("deploy"), "allowedCidrs", List.of("127.0.0.1/32")));

        for (Api.Issued target : List.of(open, wider)) {
            isProblem(
                    as(fenced.value())
                            .contentType(ContentType.JSON)
                            .body(Map.of("expiresInDays", 1))
                            .post("/api/v1/tokens/" + target.id() + "/regenerate")
                            .then(),
                    403);
            isProblem(
                    as(fenced.value())
                            .contentType(ContentType.JSON)
                            .body(Map.of("description", "mine now"))
                            .patch("/api/v1/tokens/" + target.id())
                            .then(),
                    403);
            // nothing changed: the real holder's value still works
            as(target.value()).get("/api/v1/me").then().statusCode(200);
        }
        as(fenced.value())
                .contentType(ContentType.JSON)
                .body(Map.of("expiresInDays", 1))
                .post("/api/v1/tokens/" + inside.id() + "/regenerate")
                .then()
                .statusCode(200);
    }

    @Test
    void aNarrowTokenCannotReadTheAuditTrail() {
        Api.TestUser owner = Api.aUser("deploy");
        Api.Issued deployOnly = Api.aToken(owner.session(), Map.of("scopes", List.of("deploy")));
        Api.Issued manager = Api.aToken(owner.session(), Map.of("scopes", List.of("tokens")));
        isProblem(as(deployOnly.value()).get("/api/v1/audit").then(), 403);
        as(manager.value()).get("/api/v1/audit").then().statusCode(200).header("X-Total-Count", not("0"));
        as(owner.session()).get("/api/v1/audit").then().statusCode(200);
    }
}
