package io.patgate.dev;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.PropertiesConfigSource;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.graalvm.nativeimage.ImageInfo;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * In dev mode and tests, when no datasource URL is configured, starts a real embedded PostgreSQL and
 * points the datasources at it. Production never reaches the embedded server: the {@code prod} profile
 * returns at once, the zonky jars are {@code provided} (never packaged) and in a native image
 * {@link ImageInfo#inImageCode()} is a build-time constant that removes the branch altogether.
 */
public class EmbeddedPostgresConfigSourceFactory implements ConfigSourceFactory {

    private static final String REACTIVE_URL = "quarkus.datasource.reactive.url";

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        if (ImageInfo.inImageCode()) {
            return List.of();
        }
        List<String> profiles = context.getProfiles();
        boolean dev = profiles.contains("dev");
        boolean test = profiles.contains("test");
        if (!dev && !test) {
            return List.of();
        }
        var configured = context.getValue(REACTIVE_URL);
        if (configured != null && configured.getValue() != null && !configured.getValue().isBlank()) {
            return List.of();
        }
        Map<String, String> properties = EmbeddedPostgresServer.start(dev);
        // above application.properties (250), below environment variables (300) and system properties (400)
        return List.of(new PropertiesConfigSource(properties, "patgate-embedded-postgres", 275));
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(275);
    }
}
