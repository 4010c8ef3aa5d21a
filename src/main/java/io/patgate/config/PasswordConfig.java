package io.patgate.config;

import io.smallrye.config.WithDefault;

/** The {@code patgate.password.*} settings, a group of {@link PatgateConfig}. */
public interface PasswordConfig {
    /** Argon2id memory cost in KiB (OWASP 2023 minimum: 19 MiB). */
    @WithDefault("19456")
    int memoryKib();

    /** Argon2id iterations. */
    @WithDefault("2")
    int iterations();

    /** Argon2id parallelism (lanes). */
    @WithDefault("1")
    int parallelism();

    /**
     * Password hashes run at once on this replica (each holds {@code memory-kib} of heap); further ones wait their
     * turn, up to half of {@code patgate.http.request-timeout}, then get 503 busy. Default: the number of CPUs the JVM sees.
     */
    java.util.OptionalInt maxConcurrent();

    /** Shortest password accepted for an account (NIST SP 800-63B minimum). */
    @WithDefault("8")
    int minLength();
}
