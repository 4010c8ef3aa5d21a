package io.patgate.identity;

import static io.patgate.support.Api.as;
import static io.patgate.support.Api.isProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.patgate.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Tokens outside the working set ("cold": created on another replica, evicted, or never loaded) are judged by
 * one database read, right in every state, and then from memory. A token is made cold here the way eviction
 * does it: its state leaves memory, and changes made meanwhile reach it only through the database.
 */
@QuarkusTest
class WorkingSetTest {

    @Inject
    IdentityState state;

    @Inject
    TokenGapFiller gaps;

    @Inject
    TokenSigner signer;

    @Inject
    Pool pool;

    @Inject
    io.patgate.replica.IdentityStateLoader loader;

    @Inject
    io.patgate.config.PatgateConfig config;

    private void cold(String tokenId) {
        state.removeToken(UUID.fromString(tokenId));
        assertNull(state.token(UUID.fromString(tokenId)));
    }

    /** A change made while the token is cold, as another replica (or an operator) would make it. */
    private void sql(String statement, Object... args) {
        pool.preparedQuery(statement).execute(Tuple.from(args)).await().atMost(Duration.ofSeconds(5));
    }

    @Test
    void aColdTokenCostsOneReadThenNone() {
        Api.Issued token = Api.aToken(Api.aUser("deploy").session(), Map.of());
        cold(token.id());
        long before = gaps.reads();
        as(token.value()).get("/auth/verify").then().statusCode(200).header("X-Auth-Token-Id", token.id());
        assertEquals(before + 1, gaps.reads(), "the first check reads the token");
        for (int i = 0; i < 20; i++) {
            as(token.value()).get("/auth/verify").then().statusCode(200);
        }
        assertEquals(before + 1, gaps.reads(), "later checks answer from memory");
    }

    @Test
    void aTokenRevokedWhileColdStaysRevoked() throws InterruptedException {
        Api.Issued token = Api.aToken(Api.aUser("deploy").session(), Map.of());
        cold(token.id());
        sql(
                "update access_token set revoked_at = now(), revoked_reason = 'admin' where id = $1",
                UUID.fromString(token.id()));
        Thread.sleep(300); // the change feed has seen it, and (the token not being held) left it to the database
        isProblem(as(token.value()).get("/auth/verify").then(), 401);
        // and once read, it is held revoked: evicting and reading again changes nothing
        cold(token.id());
        isProblem(as(token.value()).get("/api/v1/me").then(), 401);
    }

    @Test
    void aColdTokenIsJudgedRightWhateverHappenedToIt() {
        Api.TestUser owner = Api.aUser("deploy");
        String session = owner.session();

        Api.Issued revoked = Api.aToken(session, Map.of());
        as(session).delete("/api/v1/tokens/" + revoked.id()).then().statusCode(204);
        cold(revoked.id());
        isProblem(as(revoked.value()).get("/auth/verify").then(), 401);

        Api.Issued expired = Api.aToken(session, Map.of());
        cold(expired.id());
        sql(
                "update access_token set expires_at = $2 where id = $1",
                UUID.fromString(expired.id()),
                java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC).minusMinutes(1));
        isProblem(as(expired.value()).get("/auth/verify").then(), 401);

        Api.Issued fenced = Api.aToken(session, Map.of("allowedCidrs", List.of("10.0.0.0/8")));
        cold(fenced.id());
        isProblem(as(fenced.value()).get("/auth/verify").then(), 401); // the test client is 127.0.0.1

        Api.Issued good = Api.aToken(session, Map.of());
        cold(good.id());
        as(good.value()).get("/auth/verify").then().statusCode(200);
    }

    @Test
    void aColdRegeneratedTokenHonoursItsGracePeriodAndNoMore() throws InterruptedException {
        String session = Api.aUser("deploy").session();
        Api.Issued token = Api.aToken(session, Map.of());
        String fresh = as(session)
                .contentType(ContentType.JSON)
                .body(Map.of("graceSeconds", 2))
                .post("/api/v1/tokens/" + token.id() + "/regenerate")
                .then()
                .statusCode(200)
                .extract()
                .path("token");
        cold(token.id());
        as(token.value()).get("/auth/verify").then().statusCode(200); // the old value, within its grace
        cold(token.id());
        as(fresh).get("/auth/verify").then().statusCode(200);
        Thread.sleep(2_100);
        cold(token.id());
        isProblem(as(token.value()).get("/auth/verify").then(), 401); // past the grace
        as(fresh).get("/auth/verify").then().statusCode(200);
    }

    @Test
    void aColdTokenOfADisabledOrDeletedOwnerIsRefused() throws InterruptedException {
        Api.TestUser disabled = Api.aUser("deploy");
        Api.Issued a = Api.aToken(disabled.session(), Map.of());
        Api.TestUser deleted = Api.aUser("deploy");
        Api.Issued b = Api.aToken(deleted.session(), Map.of());
        cold(a.id());
        cold(b.id());
        // as an operator's SQL would: the tokens themselves are left alone
        sql("update app_user set disabled = true where id = $1", UUID.fromString(disabled.id()));
        sql("update app_user set deleted_at = now() where id = $1", UUID.fromString(deleted.id()));
        Thread.sleep(300);
        isProblem(as(a.value()).get("/auth/verify").then(), 401);
        isProblem(as(b.value()).get("/auth/verify").then(), 401);
    }

    @Test
    void aFloodOfSignedUnknownValuesCostsOneReadPerValuePerCoolDown() {
        Api.TestUser user = Api.aUser("deploy");
        Instant now = Instant.now();
        List<String> unknown = java.util.stream.IntStream.range(0, 20)
                .mapToObj(i -> signer.sign(
                        TokenSigner.PAT_TYPE,
                        UUID.randomUUID(),
                        UUID.fromString(user.id()),
                        user.username(),
                        now,
                        now.plus(Duration.ofDays(1))))
                .toList();
        long before = gaps.reads();
        long started = System.nanoTime();
        for (int round = 0; round < 5; round++) {
            for (String value : unknown) {
                isProblem(as(value).get("/auth/verify").then(), 401);
            }
        }
        long reads = gaps.reads() - before;
        // one read per value per cool-down (10 s): the five rounds take a second or two, more on a loaded machine, and
        // each cool-down they span may read each value once more (a full run once took 13.6 s: 40 reads)
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        long coolDowns = 1 + took.toMillis() / config.state().lookupCoolDown().toMillis();
        assertTrue(
                reads <= unknown.size() * coolDowns,
                reads + " reads for " + unknown.size() + " values, five times each, within " + took.toMillis() + " ms");
        // garbage and forgeries never cause one
        long after = gaps.reads();
        isProblem(as("not-a-token").get("/auth/verify").then(), 401);
        isProblem(
                as(io.patgate.support.Forge.unsigned(user.id(), "kid", "pat+jwt"))
                        .get("/auth/verify")
                        .then(),
                401);
        assertEquals(after, gaps.reads());
    }

    @Test
    void warmingAfterStartBringsBackTheTokensInUseButNeverARevokedOne() throws InterruptedException {
        Api.TestUser owner = Api.aUser("deploy");
        Api.Issued used = Api.aToken(owner.session(), Map.of());
        Api.Issued revoked = Api.aToken(owner.session(), Map.of());
        as(used.value()).get("/auth/verify").then().statusCode(200);
        cold(used.id());
        cold(revoked.id());
        sql(
                "update access_token set revoked_at = now(), revoked_reason = 'admin' where id = $1",
                UUID.fromString(revoked.id()));
        Thread.sleep(300);

        int added = loader.warm().await().atMost(Duration.ofSeconds(10));
        assertTrue(added >= 1, "warmed " + added);
        assertEquals(
                UUID.fromString(used.id()),
                state.token(UUID.fromString(used.id())).id(),
                "the token in use is held again");
        assertNull(state.token(UUID.fromString(revoked.id())), "a revoked token is not part of the working set");
        long before = gaps.reads();
        as(used.value()).get("/auth/verify").then().statusCode(200);
        assertEquals(before, gaps.reads(), "a warmed token is judged from memory");
        isProblem(as(revoked.value()).get("/auth/verify").then(), 401);
    }
}
