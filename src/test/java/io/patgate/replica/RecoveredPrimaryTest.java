package io.patgate.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.patgate.support.Standby;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * How far a replica's database has replayed, as each round reads it ({@link IdentityStateLoader#WATERMARK}): a standby
 * tells its position, and a primary -1, also a primary that went through recovery (promoted here, as in a fail-over; a
 * crash and restart is the same). Before, such a primary told where its recovery had ended, every round looked behind
 * the change feed forever and asked again: 50 to 70 rounds a second from one idle replica, growing.
 */
@QuarkusTest
class RecoveredPrimaryTest {

    private static long replayed(Connection database) throws Exception {
        try (Statement sql = database.createStatement();
                ResultSet mark = sql.executeQuery(IdentityStateLoader.WATERMARK)) {
            mark.next();
            return mark.getLong(3);
        }
    }

    @Test
    void aPromotedStandbyReadsAsAPrimary() throws Exception {
        try (Standby standby = Standby.start("promoted", 55437)) {
            try (Connection database = standby.connect()) {
                assertTrue(replayed(database) > 0, "a standby tells how far it replayed");
            }
            standby.promote();
            try (Connection database = standby.connect()) {
                try (Statement sql = database.createStatement();
                        ResultSet rs =
                                sql.executeQuery("select pg_is_in_recovery(), pg_last_wal_replay_lsn() is not null")) {
                    rs.next();
                    assertEquals(false, rs.getBoolean(1), "promoted");
                    assertEquals(true, rs.getBoolean(2), "the position its recovery ended at is still there");
                }
                assertEquals(-1, replayed(database), "a primary is never behind the feed it feeds");
            }
        }
    }
}
