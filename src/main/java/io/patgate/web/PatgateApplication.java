package io.patgate.web;

import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.info.License;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.security.SecuritySchemes;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@OpenAPIDefinition(
        info =
                @Info(
                        title = "patgate",
                        version = "1",
                        description =
                                "Self-hosted personal access tokens. Every error is `application/problem+json` (RFC 9457): "
                                        + "`{\"type\",\"title\",\"status\",\"detail\"}`, plus `errors[]` of `{\"field\",\"message\"}` for invalid input. "
                                        + "Lists are paged with `?page=0&size=50` (size at most 500) and report the total in `X-Total-Count`.",
                        license = @License(name = "Apache-2.0")),
        tags = {
            @Tag(name = "Accounts", description = "Users, login, sessions"),
            @Tag(name = "Personal access tokens", description = "Long-lived tokens for scripts, pipelines and jobs"),
            @Tag(name = "Audit", description = "Who did what, when, from where"),
            @Tag(name = "For other services", description = "Endpoints that ingresses, gateways and verifiers call")
        })
@SecuritySchemes({
    @SecurityScheme(
            securitySchemeName = "bearer",
            type = SecuritySchemeType.HTTP,
            scheme = "bearer",
            bearerFormat = "JWT",
            description = "A session token from POST /api/v1/auth/login, or a personal access token"),
    @SecurityScheme(
            securitySchemeName = "basic",
            type = SecuritySchemeType.HTTP,
            scheme = "basic",
            description = "username and a personal access token as the password (never a real password)")
})
public class PatgateApplication extends Application {}
