package io.patgate.web;

import io.patgate.config.PatgateConfig;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.security.Authenticated;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The limits this deployment enforces, so a client (the web UI first) can offer only what will be
 * accepted: the expiry choices, whether "no expiration" exists, the password length. The API enforces
 * them regardless; this only describes them.
 */
@Path("/api/v1/policy")
@Tag(name = "Accounts")
@Authenticated
@SecurityRequirement(name = "bearer")
@SecurityRequirement(name = "basic")
@Produces(MediaType.APPLICATION_JSON)
@io.smallrye.common.annotation.NonBlocking
public class PolicyResource {

    private final Policy policy;

    public PolicyResource(PatgateConfig config) {
        PatgateConfig.Tokens tokens = config.tokens();
        this.policy = new Policy(
                new TokenPolicy(1, tokens.defaultLifetime().toDays(), tokens.maxLifetime().toDays(), tokens.allowNonExpiring(), tokens.maxPerUser()),
                new PasswordPolicy(config.password().minLength()),
                config.session().lifetime().toSeconds());
    }

    @GET
    @Operation(summary = "This deployment's limits", description = "Token lifetimes, whether tokens may never expire, the active-token quota, "
            + "the shortest password and the session lifetime. Any credential may read it.")
    @APIResponse(responseCode = "200", description = "The limits", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            examples = @ExampleObject(name = "defaults", value = "{\"tokens\":{\"minLifetimeDays\":1,\"defaultLifetimeDays\":30,"
                    + "\"maxLifetimeDays\":365,\"allowNonExpiring\":false,\"maxPerUser\":50},\"password\":{\"minLength\":8},"
                    + "\"sessionLifetimeSeconds\":28800}")))
    @APIResponse(responseCode = "401", description = "No credential, or one that is not valid now")
    public Policy policy() {
        return policy;
    }

    @Schema(name = "Policy")
    @RegisterForReflection
    public record Policy(TokenPolicy tokens, PasswordPolicy password, long sessionLifetimeSeconds) {
    }

    @Schema(name = "TokenPolicy")
    @RegisterForReflection
    public record TokenPolicy(long minLifetimeDays, long defaultLifetimeDays, long maxLifetimeDays, boolean allowNonExpiring, int maxPerUser) {
    }

    @Schema(name = "PasswordPolicy")
    @RegisterForReflection
    public record PasswordPolicy(int minLength) {
    }
}
