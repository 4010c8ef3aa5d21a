package io.patgate.config;

import io.smallrye.config.WithDefault;

/** The {@code patgate.audit.*} settings, a group of {@link PatgateConfig}. */
public interface AuditConfig {
    /** How long audit events are kept; older ones are deleted by an hourly job. */
    @WithDefault("P365D")
    java.time.Duration retention();
}
