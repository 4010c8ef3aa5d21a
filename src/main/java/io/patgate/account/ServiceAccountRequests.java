package io.patgate.account;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The bodies of the service-account endpoints. */
public final class ServiceAccountRequests {

    private ServiceAccountRequests() {}

    @Schema(name = "CreateServiceAccount")
    @RegisterForReflection
    public record Create(
            @Schema(
                    examples = "ci-deployer",
                    description = "Shares the namespace of usernames: no user or service account may hold it already")
            @NotBlank
            @Pattern(regexp = UserRequests.USERNAME, message = UserRequests.USERNAME_MESSAGE)
            String name,

            @Schema(examples = "Deploys from the release pipeline") @Size(max = 256)
            String description,

            @Schema(
                    examples = "[\"deploy\", \"devices:read\"]",
                    description = "What its tokens may hold; never `admin`")
            @Size(max = 50)
            List<@NotNull @Pattern(regexp = UserRequests.ROLE, message = UserRequests.ROLE_MESSAGE) String> roles,

            @Schema(
                    examples = "[\"alice\", \"bob\"]",
                    description = "Usernames of people who may manage its tokens and trust")
            @Size(max = 50)
            List<@NotNull @Size(max = 64) String> managers) {}

    @Schema(
            name = "UpdateServiceAccount",
            description =
                    "Any of the fields; those left out are unchanged. `roles` and `managers` are an admin's to change.")
    @RegisterForReflection
    public record Update(
            @Schema(description = "Empty for none") @Size(max = 256)
            String description,

            @Size(max = 50)
            List<@NotNull @Pattern(regexp = UserRequests.ROLE, message = UserRequests.ROLE_MESSAGE) String> roles,

            @Schema(description = "Replaces the managers") @Size(max = 50)
            List<@NotNull @Size(max = 64) String> managers,

            @Schema(
                    description =
                            "Disabling stops every credential of the account at once, on every replica, and revokes its tokens")
            Boolean disabled) {}

    @Schema(name = "ServiceAccount")
    @RegisterForReflection
    public record View(
            UUID id,
            String name,
            String description,
            List<String> roles,

            @Schema(description = "Usernames of the people who manage it")
            List<String> managers,

            boolean disabled,
            Instant createdAt) {}

    @Schema(
            name = "CreateTrust",
            description =
                    "Which signed identities may act as the service account through the token exchange "
                            + "(POST /oauth/token). Bind the subject or at least one claim: an issuer such as GitHub Actions signs for everyone.")
    @RegisterForReflection
    public record CreateTrust(
            @Schema(
                    examples = "https://token.actions.githubusercontent.com",
                    description =
                            "The `iss` of the identity tokens, exactly; an absolute https URL (http only where `PATGATE_OIDC_ALLOW_INSECURE=true`)")
            @NotBlank
            @Size(max = 2048)
            String issuer,

            @Schema(examples = "patgate", description = "A value the identity token's `aud` must contain")
            @NotBlank
            @Size(max = 512)
            String audience,

            @Schema(
                    examples = "repo:acme/app:ref:refs/heads/main",
                    description = "A pattern the `sub` must match: exact, or with `*` for any run of characters")
            @Size(max = 512)
            String subject,

            @Schema(
                    examples = "{\"repository\": \"acme/app\", \"environment\": \"prod*\"}",
                    description =
                            "Claim name to pattern; each named claim must match (a list claim: one of its elements)")
            @Size(max = 20)
            Map<String, String> claims,

            @Schema(
                    examples = "900",
                    description = "The longest an exchanged token lives, 60 to 3600 seconds; default 900")
            Integer maxTtlSeconds,

            @Schema(
                    type = SchemaType.OBJECT,
                    description =
                            "The issuer's public keys (a JWKS document, `{\"keys\":[…]}`), for an issuer whose "
                                    + "discovery document cannot be reached (a private cluster's); public keys only (RSA, EC, OKP)")
            JsonNode jwks) {}

    @Schema(name = "Trust")
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @RegisterForReflection
    public record TrustView(
            UUID id,
            String issuer,
            String audience,
            String subject,
            Map<String, String> claims,
            int maxTtlSeconds,

            @Schema(
                    type = SchemaType.OBJECT,
                    description = "The inline JWKS, or null when the keys come from discovery")
            @JsonRawValue
            String jwks,

            Instant createdAt,
            String createdBy) {}
}
