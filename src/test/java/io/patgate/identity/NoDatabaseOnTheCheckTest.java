package io.patgate.identity;

import static org.hamcrest.Matchers.equalTo;

import io.patgate.support.Api;
import io.patgate.support.Postgres;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The per-request check answers from memory: with PostgreSQL frozen, every known credential is still
 * answered at once, good or bad. Had the check touched the database, these requests would hang.
 */
@QuarkusTest
class NoDatabaseOnTheCheckTest {

    @Inject
    IdentityState state;

    @Test
    void knownCredentialsAreCheckedWithTheDatabaseFrozen() {
        Api.TestUser user = Api.aUser("deploy");
        String session = user.session();
        Api.Issued good = Api.aToken(session, Map.of());
        Api.Issued revoked = Api.aToken(session, Map.of());
        Api.as(session).delete("/api/v1/tokens/" + revoked.id()).then().statusCode(204);
        Api.as(good.value()).get("/api/v1/me").then().statusCode(200);

        Postgres.freeze();
        try {
            for (int i = 0; i < 50; i++) {
                Api.quick(good.value())
                        .get("/auth/verify")
                        .then()
                        .statusCode(200)
                        .header("X-Auth-Token-Id", good.id());
                Api.quick(good.value()).get("/api/v1/me").then().statusCode(200).body("tokenId", equalTo(good.id()));
                Api.quick(session).get("/auth/verify").then().statusCode(200);
                Api.quick(revoked.value()).get("/auth/verify").then().statusCode(401);
                Api.quick("garbage").get("/auth/verify").then().statusCode(401);
            }
            // the freeze is real: a request that needs the database gets no answer, or a 503 once the
            // replica has noticed the database is away; never a 200
            int status;
            try {
                status = Api.quick(session).get("/api/v1/tokens").statusCode();
            } catch (Exception timedOut) {
                status = -1;
            }
            org.junit.jupiter.api.Assertions.assertTrue(status == -1 || status == 503, "status " + status);
        } finally {
            Postgres.thaw();
        }
        // and once thawed, the service notices by itself and serves writes again
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (Api.as(session).get("/api/v1/tokens").statusCode() != 200) {
            org.junit.jupiter.api.Assertions.assertTrue(System.nanoTime() < deadline, "did not recover");
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void aTokenThisReplicaDoesNotKnowIsFilledInByOneRead() {
        String session = Api.aUser("deploy").session();
        Api.Issued token = Api.aToken(session, Map.of());
        // as if it had been created on another replica a moment ago
        state.removeToken(UUID.fromString(token.id()));
        Api.as(token.value()).get("/auth/verify").then().statusCode(200).header("X-Auth-Token-Id", token.id());
        // now known: answered from memory even with the database frozen
        Postgres.freeze();
        try {
            Api.quick(token.value()).get("/auth/verify").then().statusCode(200);
        } finally {
            Postgres.thaw();
        }
    }
}
