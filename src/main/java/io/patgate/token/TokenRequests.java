package io.patgate.token;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The bodies of the token endpoints. */
public final class TokenRequests {

    private TokenRequests() {}

    @Schema(
            name = "CreateToken",
            description = "Give at most one of `expiresAt`, `expiresInDays`, `neverExpires`; default 30 days.")
    @RegisterForReflection
    public record Create(
            @Schema(examples = "nightly backup", description = "1-64 characters, unique among your active tokens")
            String name,

            @Schema(examples = "Runs at 02:00 from the backup host")
            String description,

            @Schema(examples = "2027-01-31T12:00:00Z") Instant expiresAt,
            @Schema(examples = "90") Integer expiresInDays,

            @Schema(description = "Only where patgate.tokens.allow-non-expiring=true")
            Boolean neverExpires,

            @Schema(
                    examples = "[\"deploy\"]",
                    description = "A subset of your roles, plus `tokens` to manage tokens; default: all your roles")
            @Size(max = 100)
            List<@NotNull String> scopes,

            @Schema(examples = "[\"10.0.0.0/8\", \"2001:db8::/32\"]") @Size(max = 50)
            List<@NotNull String> allowedCidrs) {}

    @Schema(
            name = "UpdateToken",
            description = "Any of the fields; those left out are unchanged. Takes effect on the next request.")
    @RegisterForReflection
    public record Update(
            String description, @Size(max = 100) List<@NotNull String> scopes) {}

    @Schema(
            name = "RegenerateToken",
            description = "A new value and expiry; the old value dies at once or after `graceSeconds`.")
    @RegisterForReflection
    public record Regenerate(
            @Schema(examples = "2027-01-31T12:00:00Z") Instant expiresAt,
            @Schema(examples = "30") Integer expiresInDays,
            Boolean neverExpires,

            @Schema(examples = "3600")
            @Min(value = 0, message = "must be between 0 and 86400")
            @Max(value = 86400, message = "must be between 0 and 86400")
            Integer graceSeconds) {}

    @Schema(
            name = "RotateToken",
            description =
                    "Both optional: the new value lives `expiresInDays` (default: patgate.tokens.default-lifetime), "
                            + "the value making the request `graceSeconds` more (default 0).")
    @RegisterForReflection
    public record Rotate(
            @Schema(examples = "30") Integer expiresInDays,

            @Schema(examples = "3600")
            @Min(value = 0, message = "must be between 0 and 86400")
            @Max(value = 86400, message = "must be between 0 and 86400")
            Integer graceSeconds) {}

    @Schema(name = "RecentAddress")
    @RegisterForReflection
    public record RecentIp(String ip, Instant lastSeenAt) {}

    @Schema(name = "Token")
    @RegisterForReflection
    public record View(
            UUID id,
            String name,
            String description,
            List<String> scopes,
            List<String> allowedCidrs,
            Instant createdAt,

            @Schema(description = "null for a token that never expires")
            Instant expiresAt,

            Instant lastUsedAt,
            String lastUsedIp,
            List<RecentIp> recentIps,
            Instant revokedAt,

            @Schema(
                    enumeration = {
                        "owner",
                        "admin",
                        "leak-report",
                        "regenerated",
                        "user-disabled",
                        "user-deleted",
                        "unused"
                    })
            String revokedReason,

            @Schema(enumeration = {"active", "expired", "revoked"})
            String status,

            @Schema(description = "The owner's username") String owner,
            UUID ownerId,

            @Schema(description = "The token value: present only in the answer that created or regenerated it")
            @JsonInclude(JsonInclude.Include.NON_NULL)
            String token,

            @Schema(
                    description =
                            "Only in GET /api/v1/tokens/self, where `scopes` is what the token may do now (its granted scopes "
                                    + "that its owner still holds as roles): the scopes it was granted")
            @JsonInclude(JsonInclude.Include.NON_NULL)
            List<String> grantedScopes) {

        View withToken(String value) {
            return new View(
                    id,
                    name,
                    description,
                    scopes,
                    allowedCidrs,
                    createdAt,
                    expiresAt,
                    lastUsedAt,
                    lastUsedIp,
                    recentIps,
                    revokedAt,
                    revokedReason,
                    status,
                    owner,
                    ownerId,
                    value,
                    null);
        }

        /** As the token itself sees it: {@code scopes} narrowed to what it may do now, the grant kept apart. */
        View asSeenBySelf(List<String> effective) {
            return new View(
                    id,
                    name,
                    description,
                    effective,
                    allowedCidrs,
                    createdAt,
                    expiresAt,
                    lastUsedAt,
                    lastUsedIp,
                    recentIps,
                    revokedAt,
                    revokedReason,
                    status,
                    owner,
                    ownerId,
                    null,
                    scopes);
        }
    }
}
