package io.patgate.config;

import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.Optional;

/** The {@code patgate.keys.*} settings, a group of {@link PatgateConfig}. */
public interface KeysConfig {
    /**
     * Secret under which private signing keys are encrypted in the database (AES-256-GCM).
     * Required in production (a Kubernetes Secret); dev mode and tests generate or fix their own.
     * At least 32 characters: a database dump alone must not be enough to sign tokens.
     */
    Optional<
                    @NotNull(
                            message =
                                    "is not set: set PATGATE_KEYS_ENCRYPTION_SECRET to 32 or more random characters (e.g. `openssl rand -base64 32`)")
                    @Size(
                            min = 32,
                            message =
                                    "is too short: set PATGATE_KEYS_ENCRYPTION_SECRET to 32 or more random characters (e.g. `openssl rand -base64 32`)")
                    String>
            encryptionSecret();

    /** The JWT issuer ({@code iss}) of every token this service signs. */
    @WithDefault("patgate")
    String issuer();

    /**
     * Rotate the signing key automatically once it is this old (checked hourly). Unset: only by
     * {@code POST /api/v1/admin/keys/rotate}.
     */
    Optional<java.time.Duration> rotationInterval();

    /**
     * How long a new key is published in the JWKS before it signs, after a rotation: longer than
     * verifiers cache the key set ({@code Cache-Control: max-age=300}), so none of them meets a token
     * signed by a key it has not fetched. An incident rotation ({@code ?immediate=true}) skips it.
     */
    @WithDefault("10M")
    java.time.Duration publishAhead();
}
