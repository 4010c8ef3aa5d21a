package io.patgate.config;

import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The {@code patgate.memory.*} settings, a group of {@link PatgateConfig}. */
public interface MemoryConfig {
    /**
     * Once heap-growing work (password hashing, start-up) has been over for this long, one full garbage collection
     * gives the heap it grew by back to the system; these take at most 1 % of the time. 0 turns it off.
     */
    @WithDefault("5S")
    Duration returnAfter();
}
