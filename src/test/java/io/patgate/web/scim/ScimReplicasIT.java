package io.patgate.web.scim;

import static io.patgate.support.Api.as;
import static io.patgate.support.Eventually.eventually;
import static io.patgate.support.Scim.USERS;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.patgate.support.Api;
import io.patgate.support.Scim;
import io.patgate.support.SecondReplica;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SCIM deprovisioning with two replicas on one database, as in production: a person deactivated (or deleted) through
 * SCIM on either replica loses every session and token on both at once, through the change feed; reactivation brings
 * none of them back. The application Quarkus launched is replica A (8081); B is on 8086.
 */
@QuarkusIntegrationTest
class ScimReplicasIT {

    private static final Duration AT_ONCE = Duration.ofMillis(500);
    private static SecondReplica second;

    @BeforeAll
    static void startTheSecondReplica() throws Exception {
        second = SecondReplica.start("scim-replica", 8086, 9006, Map.of());
    }

    @AfterAll
    static void stopTheSecondReplica() throws Exception {
        if (second != null) {
            second.close();
        }
    }

    private static RequestSpecification on(int port, String bearer) {
        return as(bearer).port(port);
    }

    /** A provisioned person with a session and a token, both accepted on both replicas. */
    private record Person(String id, String userName, String session, String token, int changedOn) {
        Person on(int port) {
            return new Person(id, userName, session, token, port);
        }
    }

    private static Person aPerson(Scim.Client client) {
        String userName = Scim.aUserName();
        String id = client.request()
                .body(ScimProtocolTest.entraUser(userName, UUID.randomUUID().toString()))
                .post(USERS)
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        as(Api.adminSession())
                .contentType(ContentType.JSON)
                .body(Map.of("password", Api.PASSWORD))
                .patch("/api/v1/users/" + id)
                .then()
                .statusCode(200);
        String session = Api.login(userName, Api.PASSWORD);
        String token = Api.aToken(session, Map.of()).value();
        for (int port : new int[] {8081, second.port}) {
            on(port, token).get("/auth/verify").then().statusCode(200);
            on(port, session).get("/api/v1/me").then().statusCode(200);
        }
        return new Person(id, userName, session, token, 8081);
    }

    /**
     * Milliseconds from {@code since} (the answer of the replica that made the change) until the person's token is refused
     * on the other replica, polling as fast as it answers (still accepted {@link #AT_ONCE} later fails the test); then the
     * token and the session are refused on both.
     */
    private static long millisUntilEndedEverywhere(Person person, long since) {
        // first the other replica's answer to the token (the change feed's lag), then everything else
        int other = person.changedOn() == 8081 ? second.port : 8081;
        while (on(other, person.token()).get("/auth/verify").statusCode() != 401) {
            assertTrue(
                    System.nanoTime() - since < AT_ONCE.toNanos(),
                    "still accepted on port " + other + " " + AT_ONCE + " after the change");
        }
        long lag = (System.nanoTime() - since) / 1_000_000;
        for (int port : new int[] {8081, second.port}) {
            on(port, person.token()).get("/auth/verify").then().statusCode(401);
            on(port, person.token()).get("/api/v1/me").then().statusCode(401);
            on(port, person.session()).get("/api/v1/me").then().statusCode(401);
        }
        return lag;
    }

    @Test
    void deactivationThroughEitherReplicaEndsEverythingOnBothAndReactivationBringsNothingBack() throws Exception {
        Scim.Client client = Scim.aClient();
        // deactivated through A, Okta's form
        Person first = aPerson(client);
        client.request()
                .body(ScimDeprovisioningTest.DEACTIVATE_OKTA)
                .patch(USERS + "/" + first.id())
                .then()
                .statusCode(200);
        long answered = System.nanoTime();
        System.out.println("SCIM deactivation on A: token refused on B " + millisUntilEndedEverywhere(first, answered)
                + " ms after A answered");

        // deactivated through B, Entra ID's form
        Person other = aPerson(client);
        client.request()
                .port(second.port)
                .body("""
                        {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"active","value":"False"}]}""")
                .patch(USERS + "/" + other.id())
                .then()
                .statusCode(200)
                .body("active", equalTo(false));
        answered = System.nanoTime();
        System.out.println("SCIM deactivation on B: token refused on A "
                + millisUntilEndedEverywhere(other.on(second.port), answered) + " ms after B answered");

        // the audit names the SCIM client
        as(Api.adminSession())
                .get("/api/v1/audit?size=50&action=user.disabled&username=" + other.userName())
                .then()
                .body("[0].actor", startsWith(client.accountName() + " (token "));

        // reactivated through A: nothing that was ended works again on either replica
        client.request()
                .body(ScimDeprovisioningTest.REACTIVATE_ENTRA)
                .patch(USERS + "/" + other.id())
                .then()
                .statusCode(200);
        String fresh = Api.login(other.userName(), Api.PASSWORD);
        eventually(
                AT_ONCE, () -> on(second.port, fresh).get("/api/v1/me").then().statusCode(200));
        for (int port : new int[] {8081, second.port}) {
            on(port, other.token()).get("/auth/verify").then().statusCode(401);
            on(port, other.session()).get("/api/v1/me").then().statusCode(401);
        }

        // deleted through B
        Person third = aPerson(client);
        client.request()
                .port(second.port)
                .delete(USERS + "/" + third.id())
                .then()
                .statusCode(204);
        answered = System.nanoTime();
        System.out.println("SCIM deletion on B: token refused on A "
                + millisUntilEndedEverywhere(third.on(second.port), answered) + " ms after B answered");
    }
}
