package io.patgate.dev;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.graalvm.nativeimage.ImageInfo;

/**
 * Dev mode only ({@code ./mvnw quarkus:dev}): when no datasource URL is configured, starts a real embedded
 * PostgreSQL (data kept in {@code .devdata/postgres}) and points the datasources at it; when no
 * {@code patgate.keys.encryption-secret} is configured, supplies one kept in {@code .devdata/encryption-secret}.
 * Tests do not come through here: they get their database from {@code EmbeddedPostgresResource}, a Quarkus test
 * resource. In every other profile this returns at once, and the settings are checked by the configuration
 * itself ({@code PatgateConfig}'s constraints and Quarkus's own checks).
 *
 * <h2>Why production and native never link the embedded server</h2>
 * <ul>
 * <li>The zonky jars (and {@code org.graalvm.sdk:nativeimage}) have {@code provided} scope: dev mode and tests
 * see them, the packaged service ({@code target/quarkus-app/lib}) and {@code target/native-sources/lib} do
 * not.</li>
 * <li>JVM: {@link EmbeddedPostgresServer}, the only class that names zonky types, is reached only past the
 * {@code dev} profile check, so a production JVM never loads it (HotSpot resolves a call the first time it
 * runs, not when the calling class is loaded).</li>
 * <li>Native: Quarkus passes {@code --link-at-build-time} to native-image (checked in {@code NativeImageBuildStep}
 * of Quarkus 3.34.3 and in {@code target/native-sources/native-image.args}), so any code the analysis
 * reaches that names a type missing from the image class path fails the build. The profile check alone
 * would not help (it is a run-time value). The call is therefore behind {@link ImageInfo#inImageCode()},
 * which native-image replaces with the constant {@code true} while it parses bytecode (an invocation plugin
 * of the builder, the behaviour that method's Javadoc promises), so the call to the server is never parsed,
 * never reachable, never linked. The check comes after the profile check, so a production JVM (where
 * {@code ImageInfo} is absent) never resolves it either. Checked here without GraalVM (none can be had on
 * these machines): {@code ./mvnw package -Dnative -Dquarkus.native.sources-only=true} writes
 * {@code native-image.args} with {@code --link-at-build-time} and a {@code lib/} without zonky, and
 * {@code javap -c} of this class shows {@code EmbeddedPostgresServer.start} only after the
 * {@code ImageInfo.inImageCode} branch; the final proof is a real native build elsewhere
 * ({@code native-build.sh}).</li>
 * </ul>
 * No reflection and no {@code Runtime.halt}: the server class is called directly, and a failure to start it
 * is an exception Quarkus reports like any configuration error.
 */
public class EmbeddedPostgresConfigSourceFactory implements ConfigSourceFactory {

    /** Above application.properties (250), below environment variables (300) and system properties (400). */
    private static final int ORDINAL = 275;

    private static final String REACTIVE_URL = "quarkus.datasource.reactive.url";
    private static final String SECRET = "patgate.keys.encryption-secret";

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        if (!context.getProfiles().contains("dev")) {
            return List.of();
        }
        if (ImageInfo.inImageCode()) {
            return List.of(); // constant true in a native image: what follows is never compiled into one
        }
        Map<String, String> properties = new HashMap<>();
        try {
            if (!isSet(context.getValue(REACTIVE_URL))) {
                properties.putAll(EmbeddedPostgresServer.start());
            }
            if (!isSet(context.getValue(SECRET))) {
                properties.put(SECRET, EmbeddedPostgresServer.devSecret());
            }
        } catch (NoClassDefFoundError e) {
            throw new IllegalStateException(
                    "The embedded PostgreSQL is only in ./mvnw quarkus:dev; outside it set "
                            + "QUARKUS_DATASOURCE_REACTIVE_URL and QUARKUS_DATASOURCE_JDBC_URL (" + e.getMessage()
                            + " is missing)",
                    e);
        }
        return List.of(new PropertiesConfigSource(properties, "patgate-dev-embedded-postgres", ORDINAL));
    }

    private static boolean isSet(ConfigValue value) {
        return value != null && value.getValue() != null && !value.getValue().isBlank();
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(ORDINAL);
    }
}
