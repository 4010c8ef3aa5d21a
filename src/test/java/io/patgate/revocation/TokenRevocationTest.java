package io.patgate.revocation;

import static io.patgate.support.Api.as;
import static io.patgate.support.Api.isProblem;
import static org.hamcrest.Matchers.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.patgate.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The one revocation path's call for deprovisioning: every token of an account in one call, published on commit.
 * Apart from TokensTest because it calls the bean itself, which TokensIT (the packaged jar) cannot.
 */
@QuarkusTest
class TokenRevocationTest {

    @jakarta.inject.Inject
    io.patgate.revocation.TokenRevocation revocation;

    @Test
    void everyTokenOfAnAccountIsRevokedInOneCallForDeprovisioning() {
        Api.TestUser user = Api.aUser();
        Api.Issued first = Api.aToken(user.session(), Map.of("name", "one"));
        Api.Issued second = Api.aToken(user.session(), Map.of("name", "two"));
        as(first.value()).get("/auth/verify").then().statusCode(200);

        var revoked = revokeAll(user);

        assertEquals(2, revoked.size());
        // published on commit: the very next check refuses both values
        isProblem(as(first.value()).get("/auth/verify").then(), 401);
        isProblem(as(second.value()).get("/auth/verify").then(), 401);
        as(user.session())
                .get("/api/v1/tokens/" + second.id())
                .then()
                .statusCode(200)
                .body("status", equalTo("revoked"))
                .body("revokedReason", equalTo("user-disabled"));
        as(Api.adminSession())
                .get("/api/v1/audit?tokenId=" + first.id())
                .then()
                .statusCode(200)
                .body("action", hasItem("token.revoked"))
                .body("actor", hasItem("system"));
        // nothing left to revoke: a second call changes nothing
        assertTrue(revokeAll(user).isEmpty());
    }

    /** As SCIM's deprovisioning would: on a Vert.x context (Hibernate Reactive needs one), and waits for it. */
    private List<?> revokeAll(Api.TestUser user) {
        try {
            return io.quarkus.vertx.VertxContextSupport.subscribeAndAwait(() -> revocation.revokeEveryTokenOf(
                    UUID.fromString(user.id()),
                    io.patgate.domain.RevokeReason.USER_DISABLED,
                    io.patgate.revocation.TokenRevocation.By.SYSTEM));
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }
}
