package io.patgate.token;

import static io.patgate.support.Api.as;
import static io.patgate.support.Api.isProblem;
import static org.hamcrest.Matchers.*;

import io.patgate.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Searching and sorting token lists (what the web UI's filters send), and the policy the UI reads. */
@QuarkusTest
class TokenListTest {

    @Test
    void searchByNameIsCaseInsensitiveAndTakesWildcardsLiterally() {
        String session = Api.aUser().session();
        Api.aToken(session, Map.of("name", "Deploy-Prod"));
        Api.aToken(session, Map.of("name", "deploy_staging"));
        Api.aToken(session, Map.of("name", "backup"));
        as(session)
                .get("/api/v1/tokens?q=DEPLOY")
                .then()
                .statusCode(200)
                .header("X-Total-Count", "2")
                .body("name", containsInAnyOrder("Deploy-Prod", "deploy_staging"));
        as(session)
                .get("/api/v1/tokens?q=_")
                .then()
                .header("X-Total-Count", "1")
                .body("name", contains("deploy_staging"));
        as(session).get("/api/v1/tokens?q=%25").then().header("X-Total-Count", "0");
        as(session).get("/api/v1/tokens?q=").then().header("X-Total-Count", "3");
        isProblem(as(session).get("/api/v1/tokens?q=" + "x".repeat(65)).then(), 400)
                .body("errors[0].field", equalTo("q"));
    }

    @Test
    void sortByExpiryLastUseOrName() throws InterruptedException {
        String session = Api.aUser().session();
        Api.Issued later = Api.aToken(session, Map.of("name", "b-later", "expiresInDays", 90));
        Api.aToken(session, Map.of("name", "a-soon", "expiresInDays", 2));
        Api.Issued used = Api.aToken(session, Map.of("name", "C-middle", "expiresInDays", 30));
        as(used.value()).get("/api/v1/me").then().statusCode(200);
        as(session).get("/api/v1/tokens?sort=expires").then().body("name", contains("a-soon", "C-middle", "b-later"));
        as(session).get("/api/v1/tokens?sort=name").then().body("name", contains("a-soon", "b-later", "C-middle"));
        as(session).get("/api/v1/tokens?sort=created").then().body("name", contains("C-middle", "a-soon", "b-later"));
        // last use is written to the database in batches: wait for the flush
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(15).toNanos();
        while (!"C-middle"
                .equals(as(session)
                        .get("/api/v1/tokens?sort=lastUsed")
                        .then()
                        .extract()
                        .path("name[0]"))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the used token never came first when sorted by last use");
            }
            Thread.sleep(250);
        }
        isProblem(as(session).get("/api/v1/tokens?sort=random").then(), 400)
                .body("errors[0].field", equalTo("sort"))
                .body("errors[0].message", containsString("created, expires, lastUsed, name"));
        as(later.value()).get("/api/v1/me").then().statusCode(200);
    }

    @Test
    void adminsFilterEveryonesTokensByNameToo() {
        Api.TestUser owner = Api.aUser();
        Api.aToken(owner.session(), Map.of("name", "needle-in-haystack"));
        as(Api.adminSession())
                .get("/api/v1/admin/tokens?q=NEEDLE-in&username=" + owner.username())
                .then()
                .statusCode(200)
                .header("X-Total-Count", "1")
                .body("[0].owner", equalTo(owner.username()));
        isProblem(as(owner.session()).get("/api/v1/admin/tokens?q=needle").then(), 403);
    }

    @Test
    void usersCanBeSearchedByName() {
        Api.TestUser someone = Api.aUser();
        String part = someone.username().substring(5).toUpperCase();
        as(Api.adminSession())
                .get("/api/v1/users?q=" + part)
                .then()
                .statusCode(200)
                .header("X-Total-Count", "1")
                .body("[0].username", equalTo(someone.username()));
    }

    @Test
    void thePolicyDescribesTheLimitsToAnyCredential() {
        Api.TestUser user = Api.aUser();
        Api.Issued token = Api.aToken(user.session(), Map.of());
        for (String credential : new String[] {user.session(), token.value()}) {
            as(credential)
                    .get("/api/v1/policy")
                    .then()
                    .statusCode(200)
                    .body("tokens.minLifetimeDays", equalTo(1))
                    .body("tokens.defaultLifetimeDays", equalTo(30))
                    .body("tokens.maxLifetimeDays", equalTo(365))
                    .body("tokens.allowNonExpiring", equalTo(false))
                    .body("tokens.maxPerUser", equalTo(50))
                    .body("password.minLength", equalTo(8))
                    .body("sessionLifetimeSeconds", equalTo(28800));
        }
        isProblem(io.restassured.RestAssured.given().get("/api/v1/policy").then(), 401);
    }

    @Test
    void thePolicyServesTheVocabulariesTheApiSpeaks() {
        Api.TestUser user = Api.aUser();
        as(user.session())
                .get("/api/v1/policy")
                .then()
                .statusCode(200)
                .body(
                        "vocabularies.revokeReasons.value",
                        org.hamcrest.Matchers.contains(
                                "owner", "admin", "leak-report", "user-disabled", "user-deleted", "unused"))
                .body(
                        "vocabularies.revokeReasons.find { it.value == 'user-disabled' }.description",
                        equalTo("owner disabled"))
                .body(
                        "vocabularies.noticeEvents.value",
                        org.hamcrest.Matchers.contains(
                                "token.expiring",
                                "token.expired",
                                "token.revoked",
                                "token.used-from-new-address",
                                "token.leak-reported",
                                "token.retired-unused"))
                .body(
                        "vocabularies.emailNotices.value",
                        org.hamcrest.Matchers.contains("expiring", "new-address", "revoked"))
                // the admin's filter once listed a hand-kept copy that lacked the service accounts' and the limiter's
                // actions
                .body(
                        "vocabularies.auditActions",
                        org.hamcrest.Matchers.hasItems(
                                "token.revoked",
                                "service-account.created",
                                "service-account.trust-added",
                                "notice.limited",
                                "token.exchanged",
                                "user.email-confirmed"));
    }
}
