package io.patgate.config;

import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The {@code patgate.session.*} settings, a group of {@link PatgateConfig}. */
public interface SessionConfig {
    /** Lifetime of the session JWT that login returns. */
    @WithDefault("8H")
    Duration lifetime();
}
