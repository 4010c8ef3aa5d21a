package io.patgate.account;

import io.patgate.support.Api;
import io.patgate.support.SecondReplica;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.patgate.support.Api.as;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two replicas on one database, as in production: a service account disabled on one (the application Quarkus
 * launched for this test, port 8081) stops its token on the other (port 8085) at once, through the change feed.
 */
@QuarkusIntegrationTest
class ServiceAccountReplicasIT {

    private static SecondReplica second;

    @BeforeAll
    static void startTheSecondReplica() throws Exception {
        second = SecondReplica.start("service-accounts-replica", 8085, 9005, Map.of());
    }

    @AfterAll
    static void stopTheSecondReplica() throws Exception {
        if (second != null) {
            second.close();
        }
    }

    private static io.restassured.specification.RequestSpecification onB(String bearer) {
        return as(bearer).port(second.port);
    }

    /** How long after the change on A the token still worked on B, polling as fast as B answers. */
    private static long millisUntilRefusedOnB(String value, long startedNanos) {
        while (onB(value).get("/auth/verify").statusCode() == 200) {
            assertTrue(System.nanoTime() - startedNanos < 5_000_000_000L, "still accepted on B 5 s after the change on A");
        }
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }

    @Test
    void disablingTheAccountOnOneReplicaKillsItsTokenOnTheOtherAtOnce() {
        String admin = Api.adminSession();
        String id = as(admin).contentType(ContentType.JSON)
                .body(Map.of("name", "replicated-" + UUID.randomUUID().toString().substring(0, 8), "roles", List.of("deploy")))
                .post("/api/v1/service-accounts").then().statusCode(201).extract().path("id");
        String value = as(admin).contentType(ContentType.JSON).body(Map.of("name", "pipeline"))
                .post("/api/v1/service-accounts/" + id + "/tokens").then().statusCode(201).extract().path("token");
        onB(value).get("/auth/verify").then().statusCode(200);

        long started = System.nanoTime();
        as(admin).contentType(ContentType.JSON).body(Map.of("disabled", true)).patch("/api/v1/service-accounts/" + id).then().statusCode(200);
        long answered = System.nanoTime();
        long lag = millisUntilRefusedOnB(value, answered);
        System.out.println("service account disabled on A (answered in " + (answered - started) / 1_000_000 + " ms): its token refused on B "
                + lag + " ms after A answered");
        onB(value).get("/api/v1/me").then().statusCode(401);

        // deleting, likewise: a fresh token of a re-enabled account dies on B with the account
        as(admin).contentType(ContentType.JSON).body(Map.of("disabled", false)).patch("/api/v1/service-accounts/" + id).then().statusCode(200);
        String fresh = as(admin).contentType(ContentType.JSON).body(Map.of("name", "pipeline 2"))
                .post("/api/v1/service-accounts/" + id + "/tokens").then().statusCode(201).extract().path("token");
        onB(fresh).get("/auth/verify").then().statusCode(200);
        long deleting = System.nanoTime();
        as(admin).delete("/api/v1/service-accounts/" + id).then().statusCode(204);
        long deleted = System.nanoTime();
        System.out.println("service account deleted on A (answered in " + (deleted - deleting) / 1_000_000 + " ms): its token refused on B "
                + millisUntilRefusedOnB(fresh, deleted) + " ms after A answered");
    }
}
