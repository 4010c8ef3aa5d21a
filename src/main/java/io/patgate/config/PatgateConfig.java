package io.patgate.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Every {@code patgate.*} setting, with its default. The README's configuration table mirrors this file.
 */
@ConfigMapping(prefix = "patgate")
public interface PatgateConfig {

    Admin admin();

    Session session();

    Password password();

    Keys keys();

    Http http();

    interface Admin {
        /**
         * Password of the {@code admin} account created on the first start with an empty database.
         * When unset, a random one is generated and printed once to the log.
         */
        Optional<String> password();
    }

    interface Session {
        /** Lifetime of the session JWT that login returns. */
        @WithDefault("8H")
        Duration lifetime();
    }

    interface Password {
        /** Argon2id memory cost in KiB (OWASP 2023 minimum: 19 MiB). */
        @WithDefault("19456")
        int memoryKib();

        /** Argon2id iterations. */
        @WithDefault("2")
        int iterations();

        /** Argon2id parallelism (lanes). */
        @WithDefault("1")
        int parallelism();

        /** Shortest password accepted for an account (NIST SP 800-63B minimum). */
        @WithDefault("8")
        int minLength();
    }

    interface Keys {
        /**
         * Secret under which private signing keys are encrypted in the database (AES-256-GCM).
         * Required in production (a Kubernetes Secret); dev mode and tests generate or fix their own.
         * At least 32 characters: a database dump alone must not be enough to sign tokens.
         */
        Optional<String> encryptionSecret();

        /** The JWT issuer ({@code iss}) of every token this service signs. */
        @WithDefault("patgate")
        String issuer();
    }

    interface Http {
        /**
         * CIDRs of reverse proxies whose {@code Forwarded}/{@code X-Forwarded-For} headers are believed.
         * Default: none, so the client address is always the TCP peer and no client can spoof it.
         */
        Optional<List<String>> trustedProxies();
    }
}
