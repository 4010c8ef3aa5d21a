package io.patgate.identity;

import static io.patgate.support.Api.as;
import static io.patgate.support.Api.isProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.patgate.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Values cycled on purpose through a small working set cannot turn checks into database reads: revoked and expired
 * tokens are remembered outside the working set, and one client address may cause only so many reads a minute.
 */
@QuarkusTest
@TestProfile(ColdReadsTest.SmallWorkingSet.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ColdReadsTest {

    static final int COLD_READS_PER_MINUTE = 20;

    public static class SmallWorkingSet implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "patgate.state.max-tokens",
                    "4",
                    "patgate.state.cold-reads-per-address",
                    String.valueOf(COLD_READS_PER_MINUTE));
        }
    }

    @Inject
    TokenGapFiller gaps;

    @Test
    @Order(1)
    void aUsersManyRevokedTokensCycledCostAtMostOneReadEach() {
        String session = Api.aUser("deploy").session();
        List<Api.Issued> revoked = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Api.Issued t = Api.aToken(session, Map.of());
            as(session).delete("/api/v1/tokens/" + t.id()).then().statusCode(204);
            revoked.add(t);
        }
        long before = gaps.reads();
        for (int round = 0; round < 4; round++) {
            for (Api.Issued t : revoked) {
                isProblem(as(t.value()).get("/auth/verify").then(), 401);
            }
        }
        long reads = gaps.reads() - before;
        assertTrue(
                reads <= revoked.size(),
                reads + " database reads for 40 checks of 10 revoked tokens (the working set holds 4)");
    }

    @Test
    @Order(2)
    void oneAddressCausesAtMostItsShareOfReadsAMinuteAndIsToldWhenToComeBack() {
        String session = Api.aUser("deploy").session();
        List<Api.Issued> tokens = new ArrayList<>();
        for (int i = 0; i < COLD_READS_PER_MINUTE + 8; i++) {
            tokens.add(Api.aToken(session, Map.of()));
        }
        long before = gaps.reads();
        int accepted = 0;
        int throttled = 0;
        for (Api.Issued t : tokens) {
            Response answer = as(t.value()).get("/auth/verify");
            if (answer.statusCode() == 429) {
                throttled++;
                isProblem(answer.then(), 429);
                assertTrue(Integer.parseInt(answer.header("Retry-After")) >= 1, "Retry-After tells when to come back");
            } else {
                assertEquals(200, answer.statusCode(), answer.asString());
                accepted++;
            }
        }
        long reads = gaps.reads() - before;
        assertTrue(throttled > 0, "past " + COLD_READS_PER_MINUTE + " reads a minute the address waits");
        assertTrue(reads <= COLD_READS_PER_MINUTE, reads + " reads from one address within a minute");
        assertTrue(accepted > 0, "the reads within the allowance were answered");
        // a token in memory (just created, so held) costs no read and is not held back, from the same address
        Api.Issued held = Api.aToken(session, Map.of());
        long readsBefore = gaps.reads();
        as(held.value()).get("/auth/verify").then().statusCode(200).header("X-Auth-Token-Id", held.id());
        assertEquals(readsBefore, gaps.reads());
    }
}
