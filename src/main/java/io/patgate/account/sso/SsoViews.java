package io.patgate.account.sso;

import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The bodies of the single sign-on's API endpoints. */
public final class SsoViews {

    private SsoViews() {}

    @Schema(name = "SignInOptions", description = "How people may sign in here: what the sign-in page shows")
    @RegisterForReflection
    public record SignInOptions(
            @Schema(description = "Whether single sign-on through the organisation's OpenID provider is configured")
            boolean sso,

            @Schema(
                    description =
                            "The provider's name on the button `Sign in with <displayName>`; null without single sign-on",
                    examples = "Keycloak")
            String displayName,

            @Schema(
                    description = "Where the button goes (add `?returnTo=/path`); null without single sign-on",
                    examples = "/auth/oidc/start")
            String startPath,

            @Schema(
                    description =
                            "Whether password sign-in is on (`PATGATE_LOGIN_PASSWORDS`); when off, only the break-glass accounts may use it")
            boolean passwords) {}

    @Schema(name = "SsoHandoff", description = "The one-time code the callback put in the page's URL fragment")
    @RegisterForReflection
    public record Handoff(
            @Schema(examples = "q8Vd0m3fJ2lWc5xYt7rN1aKbE4hUoPzS6gTiMjLnRvw") @NotBlank @Size(max = 128)
            String code) {}

    @Schema(name = "SsoSession", description = "The session a single sign-on ended in, and where the page goes next")
    @RegisterForReflection
    public record Session(
            @Schema(description = "The session JWT: send it as `Authorization: Bearer <token>`")
            String token,

            Instant expiresAt,

            @Schema(description = "The same-origin path the sign-in was started from", examples = "/tokens")
            String returnTo) {}
}
