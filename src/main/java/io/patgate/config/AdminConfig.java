package io.patgate.config;

import java.util.Optional;

/** The {@code patgate.admin.*} settings, a group of {@link PatgateConfig}. */
public interface AdminConfig {
    /**
     * Password of the {@code admin} account created on the first start with an empty database.
     * When unset, a random one is generated and printed once to the log.
     */
    Optional<String> password();
}
