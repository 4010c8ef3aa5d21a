package io.patgate.dev;

import io.smallrye.config.ConfigMapping;
import jakarta.validation.constraints.NotNull;
import java.util.Optional;

/**
 * The two database URLs patgate cannot start without, checked with the rest of the configuration when the
 * service starts: when one is missing, Quarkus stops with "Configuration validation failed:" and one line per
 * missing setting naming the environment variable to set (with {@code patgate.keys.encryption-secret}'s line
 * from {@code PatgateConfig} when that is missing too), instead of a stack trace from whichever component
 * needed the database first. Dev mode gets them from {@link EmbeddedPostgresConfigSourceFactory}, tests from
 * {@code EmbeddedPostgresResource}; production from the environment. Only read by the validation; Quarkus's
 * own datasource configuration is unchanged.
 */
@ConfigMapping(prefix = "quarkus.datasource")
public interface DatasourceUrls {

    Reactive reactive();

    Jdbc jdbc();

    interface Reactive {
        /** The reactive pool's URL (requests, writes, the heartbeat). */
        Optional<
                        @NotNull(
                                message =
                                        "is not set: set QUARKUS_DATASOURCE_REACTIVE_URL (postgresql://host:5432/db), "
                                                + "with QUARKUS_DATASOURCE_USERNAME and QUARKUS_DATASOURCE_PASSWORD")
                        String>
                url();
    }

    interface Jdbc {
        /** The JDBC URL Flyway migrates the schema over at start, and the change feed's replication connection uses. */
        Optional<
                        @NotNull(
                                message =
                                        "is not set: set QUARKUS_DATASOURCE_JDBC_URL (jdbc:postgresql://host:5432/db)")
                        String>
                url();
    }
}
