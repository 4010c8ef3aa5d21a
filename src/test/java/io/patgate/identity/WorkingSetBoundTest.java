package io.patgate.identity;

import static io.patgate.support.Api.as;
import static io.patgate.support.Api.isProblem;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.patgate.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With a working set far smaller than the tokens in use, memory stays bounded and every answer stays right. */
@QuarkusTest
@TestProfile(WorkingSetBoundTest.Small.class)
class WorkingSetBoundTest {

    public static class Small implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("patgate.state.max-tokens", "4");
        }
    }

    @Inject
    IdentityState state;

    @Test
    void theBoundHoldsAndEveryTokenIsStillJudgedRight() {
        String session = Api.aUser("deploy").session();
        List<Api.Issued> good = new ArrayList<>();
        List<Api.Issued> revoked = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            good.add(Api.aToken(session, Map.of()));
            Api.Issued r = Api.aToken(session, Map.of());
            as(session).delete("/api/v1/tokens/" + r.id()).then().statusCode(204);
            revoked.add(r);
        }
        for (int round = 0; round < 3; round++) {
            for (Api.Issued t : good) {
                as(t.value()).get("/auth/verify").then().statusCode(200).header("X-Auth-Token-Id", t.id());
            }
            for (Api.Issued t : revoked) {
                isProblem(as(t.value()).get("/auth/verify").then(), 401); // evicted and read back, never let in
            }
            assertTrue(state.tokenCount() <= 4, state.tokenCount() + " tokens held, the bound is 4");
        }
    }
}
