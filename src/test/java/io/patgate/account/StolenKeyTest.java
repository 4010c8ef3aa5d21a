package io.patgate.account;

import static io.patgate.support.Api.as;
import static io.patgate.support.Api.isProblem;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.*;

import io.patgate.identity.KeyRing;
import io.patgate.identity.TokenSigner;
import io.patgate.support.Api;
import io.patgate.support.Forge;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.Map;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.junit.jupiter.api.Test;

/**
 * Someone holds a copy of a signing key: what sessions can they mint, and how does an operator end them?
 * (Tokens are safe: each is bound to its digest, which a key cannot forge.)
 */
@QuarkusTest
class StolenKeyTest {

    private static final long EIGHT_HOURS = 8 * 3600;

    @Inject
    KeyRing keys;

    @Inject
    Pool pool;

    private static String session(String subject, long issuedAgo, long lifetime, PrivateKey key, String kid) {
        long now = System.currentTimeMillis() / 1000;
        JwtClaims claims = Forge.claims(subject, 0);
        claims.setIssuedAt(NumericDate.fromSeconds(now - issuedAgo));
        claims.setExpirationTime(NumericDate.fromSeconds(now - issuedAgo + lifetime));
        return Forge.sign(
                claims, AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256, key, kid, TokenSigner.SESSION_TYPE);
    }

    private void retire(String kid, String ago) {
        // a key retired that long ago was made before then (the admin's key list, and its screenshot, show both times)
        pool.query("update signing_key set retired_at = now() - interval '" + ago
                        + "', created_at = least(created_at, now() - interval '" + ago
                        + "' - interval '1 day') where kid = '" + kid + "'")
                .execute()
                .await()
                .atMost(Duration.ofSeconds(5));
    }

    /** The replicas reload keys when the change reaches them: wait (bounded) until the session is refused. */
    private static void untilRefused(String session, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (as(session).get("/api/v1/me").then().extract().statusCode() != 401) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " is still accepted");
            }
            Thread.sleep(200);
        }
    }

    /** A fresh admin, whom no earlier "end every session" cut covers. */
    private static String adminId() {
        return Api.aUser("admin").id();
    }

    @Test
    void aMintedSessionMayNotOutliveASessionNorComeFromTheFuture() {
        String admin = adminId();
        // the control: what login itself would sign is accepted
        as(session(admin, 10, EIGHT_HOURS, keys.signer().key(), keys.signer().kid()))
                .get("/api/v1/me")
                .then()
                .statusCode(200);
        isProblem(
                as(session(
                                admin,
                                10,
                                365L * 86400,
                                keys.signer().key(),
                                keys.signer().kid()))
                        .get("/api/v1/me")
                        .then(),
                401);
        isProblem(
                as(session(
                                admin,
                                -86400,
                                3600,
                                keys.signer().key(),
                                keys.signer().kid()))
                        .get("/api/v1/me")
                        .then(),
                401);
        isProblem(
                as(session(
                                admin,
                                -3600,
                                EIGHT_HOURS,
                                keys.signer().key(),
                                keys.signer().kid()))
                        .get("/api/v1/me")
                        .then(),
                401);
    }

    @Test
    void aFutureIatCannotSlipPastAPasswordChange() {
        Api.TestUser victim = Api.aUser();
        String id = victim.id();
        as(Api.adminSession())
                .contentType("application/json")
                .body(Map.of("password", "reset by the admin"))
                .patch("/api/v1/users/" + id)
                .then()
                .statusCode(200);
        isProblem(
                as(session(id, -600, 3600, keys.signer().key(), keys.signer().kid()))
                        .get("/api/v1/me")
                        .then(),
                401);
    }

    @Test
    void aRetiredKeyStopsVerifyingSessionsOneSessionLifetimeAfterItsRetirement() throws Exception {
        String admin = adminId();
        KeyRing.Signer signer = keys.signer();
        PrivateKey stolen = signer.key();
        String stolenKid = signer.kid();
        as(Api.adminSession())
                .post("/api/v1/admin/keys/rotate?immediate=true")
                .then()
                .statusCode(201);
        // retired ten minutes ago (as far as the replicas know once the change reaches them)
        retire(stolenKid, "10 minutes");
        untilRefused(
                session(admin, 60, EIGHT_HOURS, stolen, stolenKid),
                "a session signed by the retired key after its retirement");
        // sessions it signed before its retirement stay good for the rest of their lives
        as(session(admin, 20 * 60, EIGHT_HOURS, stolen, stolenKid))
                .get("/api/v1/me")
                .then()
                .statusCode(200);

        // nine hours after (longer than a session lives), nothing it signed is a session any more
        retire(stolenKid, "9 hours");
        untilRefused(
                session(admin, 9 * 3600 + 600, EIGHT_HOURS, stolen, stolenKid),
                "a session signed by a key retired 9 hours ago");
        // its public key stays published while tokens it signed may live: PATs are bound to their digests
        given().get("/.well-known/jwks.json").then().body("keys.kid", hasItem(stolenKid));
    }

    @Test
    void theRunbookLeavesNoForgedSessionStanding() {
        String admin = adminId();
        KeyRing.Signer signer = keys.signer();
        PrivateKey stolen = signer.key();
        String stolenKid = signer.kid();
        as(Api.adminSession())
                .post("/api/v1/admin/keys/rotate?immediate=true")
                .then()
                .statusCode(201);
        as(Api.adminSession()).post("/api/v1/admin/sessions/revoke-all").then().statusCode(200);
        // minted after the retirement, stamped a little ahead so it falls after the cut of "end every session"
        isProblem(
                as(session(admin, -20, EIGHT_HOURS, stolen, stolenKid))
                        .get("/api/v1/me")
                        .then(),
                401);
        isProblem(
                as(session(admin, -2, EIGHT_HOURS, stolen, stolenKid))
                        .get("/api/v1/me")
                        .then(),
                401);
    }

    @Test
    void revokeAllEndsEverySessionAndNoToken() {
        Api.TestUser user = Api.aUser("deploy");
        String userSession = user.session();
        Api.Issued token = Api.aToken(userSession, Map.of());
        String adminSession = Api.adminSession();
        isProblem(as(userSession).post("/api/v1/admin/sessions/revoke-all").then(), 403);

        as(adminSession)
                .post("/api/v1/admin/sessions/revoke-all")
                .then()
                .statusCode(200)
                .body("accounts", greaterThanOrEqualTo(2))
                .body("sessionsNotBefore", notNullValue());

        isProblem(as(userSession).get("/api/v1/me").then(), 401);
        isProblem(as(adminSession).get("/api/v1/me").then(), 401);
        as(token.value()).get("/api/v1/me").then().statusCode(200);
        as(Api.adminSession())
                .get("/api/v1/audit?action=sessions.revoked-all&size=1")
                .then()
                .statusCode(200)
                .body("[0].actor", equalTo("admin"));
        as(user.session()).get("/api/v1/me").then().statusCode(200);
    }
}
