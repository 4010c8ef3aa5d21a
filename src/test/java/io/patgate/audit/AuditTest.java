package io.patgate.audit;

import static io.patgate.support.Api.as;
import static io.patgate.support.Api.isProblem;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.*;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.patgate.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class AuditTest {

    @Inject
    Pool pool;

    @Test
    void theLifeOfATokenIsRecordedWithoutItsValue() {
        Api.TestUser alice = Api.aUser("deploy");
        String session = alice.session();
        Api.Issued token = Api.aToken(session, Map.of("name", "audited"));
        as(session)
                .contentType(ContentType.JSON)
                .body(Map.of("description", "x"))
                .patch("/api/v1/tokens/" + token.id())
                .then()
                .statusCode(200);
        as(session)
                .contentType(ContentType.JSON)
                .body(Map.of("expiresInDays", 3))
                .post("/api/v1/tokens/" + token.id() + "/regenerate")
                .then()
                .statusCode(200);
        as(session).delete("/api/v1/tokens/" + token.id()).then().statusCode(204);
        String body = as(session)
                .get("/api/v1/audit?tokenId=" + token.id())
                .then()
                .statusCode(200)
                .header("X-Total-Count", "4")
                .body("action", contains("token.revoked", "token.regenerated", "token.changed", "token.created"))
                .body("[0].actor", equalTo(alice.username()))
                .body("[0].username", equalTo(alice.username()))
                .body("[0].ip", equalTo("127.0.0.1"))
                .body("[0].detail", containsString("owner"))
                .extract()
                .body()
                .asString();
        org.hamcrest.MatcherAssert.assertThat(body, not(containsString(token.value())));
        org.hamcrest.MatcherAssert.assertThat(
                body, not(containsString(token.value().split("\\.")[2])));
    }

    @Test
    void othersSeeOnlyTheirOwnEventsAdminsSeeAll() {
        Api.TestUser alice = Api.aUser();
        Api.TestUser bob = Api.aUser();
        Api.aToken(alice.session(), Map.of());
        // bob asking about alice gets nothing of hers
        as(bob.session())
                .get("/api/v1/audit?username=" + alice.username())
                .then()
                .statusCode(200)
                .header("X-Total-Count", "0");
        as(bob.session())
                .get("/api/v1/audit")
                .then()
                .statusCode(200)
                .body("username", everyItem(equalTo(bob.username())));
        as(Api.adminSession())
                .get("/api/v1/audit?username=" + alice.username() + "&action=token.created")
                .then()
                .statusCode(200)
                .header("X-Total-Count", "1");
    }

    @Test
    void loginsAndUserChangesAreRecorded() {
        Api.TestUser carol = Api.aUser("deploy");
        given().contentType(ContentType.JSON)
                .body(Map.of("username", carol.username(), "password", "wrong-wrong-wrong"))
                .post("/api/v1/auth/login")
                .then()
                .statusCode(401);
        carol.session();
        String admin = Api.adminSession();
        as(admin)
                .contentType(ContentType.JSON)
                .body(Map.of("roles", List.of("deploy", "ops"), "password", "a brand new password"))
                .patch("/api/v1/users/" + carol.id())
                .then()
                .statusCode(200);
        as(admin)
                .get("/api/v1/audit?username=" + carol.username())
                .then()
                .statusCode(200)
                .body(
                        "action",
                        hasItems(
                                "user.created",
                                "login.failed",
                                "login.succeeded",
                                "user.roles-changed",
                                "user.password-changed"))
                .body("find { it.action == 'user.roles-changed' }.detail", containsString("ops"))
                .body("find { it.action == 'user.roles-changed' }.actor", equalTo("admin"))
                .body("detail", everyItem(not(containsString("a brand new password"))));
    }

    @Test
    void filtersAreCheckedAndTimeBounded() {
        String admin = Api.adminSession();
        isProblem(as(admin).get("/api/v1/audit?since=yesterday").then(), 400).body("errors[0].field", equalTo("since"));
        isProblem(as(admin).get("/api/v1/audit?tokenId=nope").then(), 400).body("errors[0].field", equalTo("tokenId"));
        String future = Instant.now().plus(Duration.ofDays(1)).toString();
        as(admin).get("/api/v1/audit?since=" + future).then().statusCode(200).header("X-Total-Count", "0");
        as(admin)
                .get("/api/v1/audit?until=" + future + "&size=2")
                .then()
                .statusCode(200)
                .body("size()", equalTo(2));
    }

    @Inject
    AuditRetention retention;

    @Test
    void eventsPastTheRetentionArePrunedAndNoOthers() {
        java.util.UUID old = java.util.UUID.randomUUID();
        java.util.UUID recent = java.util.UUID.randomUUID();
        pool.query("insert into audit_event (id, at, actor, action, detail) values ('" + old
                        + "', now() - interval '400 days', 'system', 'test.old', '')," + " ('" + recent
                        + "', now() - interval '300 days', 'system', 'test.recent', '')")
                .execute()
                .await()
                .atMost(Duration.ofSeconds(5));
        retention.prune().await().atMost(Duration.ofSeconds(10));
        long left = pool.query("select count(*) from audit_event where id in ('" + old + "', '" + recent + "')")
                .execute()
                .await()
                .atMost(Duration.ofSeconds(5))
                .iterator()
                .next()
                .getLong(0);
        org.junit.jupiter.api.Assertions.assertEquals(1, left);
        as(Api.adminSession()).get("/api/v1/audit?action=test.recent").then().header("X-Total-Count", "1");
        as(Api.adminSession()).get("/api/v1/audit?action=test.old").then().header("X-Total-Count", "0");
    }

    @Test
    void theLogIsAppendOnly() {
        assertThrows(
                Exception.class,
                () -> pool.query("update audit_event set detail = 'forged'")
                        .execute()
                        .await()
                        .atMost(Duration.ofSeconds(5)));
        assertThrows(
                Exception.class,
                () -> pool.query("delete from audit_event").execute().await().atMost(Duration.ofSeconds(5)));
    }
}
