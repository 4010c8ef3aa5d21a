package io.patgate.dev;

import io.quarkus.runtime.ImageMode;
import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigValue;

import java.util.ArrayList;
import java.util.List;

/**
 * Outside dev mode and tests, the database and the key-encryption secret must come from the environment.
 * When they do not, the service stops before anything else starts, with one line that says what to set,
 * instead of a page of stack trace from whichever component needed them first.
 */
final class ProductionPreflight {

    static final int MIN_SECRET_LENGTH = 32;

    private ProductionPreflight() {
    }

    static void check(ConfigSourceContext context) {
        if (isBuildTime()) {
            return; // the build reads configuration too; the environment is checked when the service runs
        }
        List<String> missing = new ArrayList<>();
        if (blank(context.getValue("quarkus.datasource.reactive.url")) || blank(context.getValue("quarkus.datasource.jdbc.url"))) {
            missing.add("QUARKUS_DATASOURCE_REACTIVE_URL (postgresql://host:5432/db), QUARKUS_DATASOURCE_JDBC_URL "
                    + "(jdbc:postgresql://host:5432/db), QUARKUS_DATASOURCE_USERNAME, QUARKUS_DATASOURCE_PASSWORD");
        }
        ConfigValue secret = context.getValue("patgate.keys.encryption-secret");
        if (blank(secret) || secret.getValue().length() < MIN_SECRET_LENGTH) {
            missing.add("PATGATE_KEYS_ENCRYPTION_SECRET (" + MIN_SECRET_LENGTH + "+ random characters, e.g. `openssl rand -base64 32`)");
        }
        if (!missing.isEmpty()) {
            System.err.println("patgate cannot start: set " + String.join("; ", missing));
            System.err.flush();
            // nothing has started yet, so there is nothing to shut down; halt skips hooks that would wait on startup
            Runtime.getRuntime().halt(2);
        }
    }

    private static boolean isBuildTime() {
        if (ImageMode.current() == ImageMode.NATIVE_RUN) {
            return false;
        }
        try {
            // present while Quarkus builds the application, absent from the packaged service
            Class.forName("io.quarkus.builder.BuildChain", false, ProductionPreflight.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static boolean blank(ConfigValue value) {
        return value == null || value.getValue() == null || value.getValue().isBlank();
    }
}
