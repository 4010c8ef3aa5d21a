package io.patgate.dev;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.PropertiesConfigSource;
import org.eclipse.microprofile.config.spi.ConfigSource;
import io.quarkus.runtime.ImageMode;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * In dev mode and tests, when no datasource URL is configured, starts a real embedded PostgreSQL and
 * points the datasources at it. Production never reaches the embedded server: the {@code prod} profile
 * returns at once, and the zonky jars are {@code provided} (never packaged). The server class is loaded
 * by a name computed at run time, so the native image's static analysis never links it (or zonky).
 */
public class EmbeddedPostgresConfigSourceFactory implements ConfigSourceFactory {

    private static final String REACTIVE_URL = "quarkus.datasource.reactive.url";

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        List<String> profiles = context.getProfiles();
        boolean dev = profiles.contains("dev");
        boolean test = profiles.contains("test");
        if (!dev && !test) {
            ProductionPreflight.check(context);
            return List.of();
        }
        if (ImageMode.current() == ImageMode.NATIVE_RUN) {
            return List.of();
        }
        var configured = context.getValue(REACTIVE_URL);
        if (configured != null && configured.getValue() != null && !configured.getValue().isBlank()) {
            return List.of();
        }
        Map<String, String> properties = startServer(dev);
        // above application.properties (250), below environment variables (300) and system properties (400)
        return List.of(new PropertiesConfigSource(properties, "patgate-embedded-postgres", 275));
    }

    @SuppressWarnings("unchecked")
    private Map<String, String> startServer(boolean dev) {
        String server = getClass().getPackageName() + ".EmbeddedPostgres" + "Server";
        try {
            Class<?> type = Class.forName(server, true, getClass().getClassLoader());
            return (Map<String, String>) type.getMethod("start", boolean.class).invoke(null, dev);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw new IllegalStateException("Could not start the embedded PostgreSQL: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException("The embedded PostgreSQL is for dev mode and tests only (" + e + ")", e);
        }
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(275);
    }
}
