package io.patgate.store;

import static io.patgate.support.Api.as;
import static io.patgate.support.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.patgate.support.Api;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A client that gives up while its write waits on the database (a timeout, a closed connection) does not tear the write
 * down halfway: the transaction it started is finished, committed whole, as if the client had stayed. Before, the
 * request's cancellation closed the session under a running statement: the revocation was rolled back and the log had
 * "possible non-threadsafe access to session" and "Live transaction detected while closing the connection" (seen when
 * a benchmark's client stopped in the middle of exchanges).
 */
@QuarkusTest
class AbandonedWritesTest {

    @TestHTTPResource("/")
    URL base;

    @Inject
    Pool pool;

    private long revocationsAudited(UUID token) {
        return io.patgate.support.Postgres.count(
                pool, "select count(*) from audit_event where action = 'token.revoked' and token_id = $1", token);
    }

    @Test
    void aRevocationWhoseClientLeftWhileItWaitedIsFinishedWhole() throws Exception {
        String session = Api.aUser().session();
        Api.Issued token = Api.aToken(session, Map.of());
        UUID id = UUID.fromString(token.id());
        as(token.value()).get("/auth/verify").then().statusCode(200);
        HttpClient client = HttpClient.newHttpClient();
        try (Connection other = io.patgate.support.Postgres.connect();
                Statement lock = other.createStatement()) {
            other.setAutoCommit(false);
            lock.execute("lock table audit_event in share mode"); // the revocation's audit row waits for this
            HttpRequest revoke = HttpRequest.newBuilder(
                            URI.create(base.toString().replaceAll("/$", "") + "/api/v1/tokens/" + id))
                    .header("Authorization", "Bearer " + session)
                    .timeout(Duration.ofMillis(500))
                    .DELETE()
                    .build();
            assertThrows(HttpTimeoutException.class, () -> client.send(revoke, HttpResponse.BodyHandlers.discarding()));
            Thread.sleep(500); // the server has seen the client go
            other.rollback(); // the audit table is free again
        }
        eventually(Duration.ofSeconds(10), () -> assertEquals(1, revocationsAudited(id)));
        eventually(
                Duration.ofSeconds(5),
                () -> as(token.value()).get("/auth/verify").then().statusCode(401));
        as(session)
                .get("/api/v1/tokens/" + id)
                .then()
                .statusCode(200)
                .body("status", org.hamcrest.Matchers.equalTo("revoked"));
    }
}
