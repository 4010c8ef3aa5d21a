package io.patgate.web.account;

import io.patgate.account.AuthService;
import io.patgate.account.UserRequests;
import io.patgate.identity.Callers;
import io.patgate.web.ClientAddress;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.PermitAll;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/auth")
@Tag(name = "Accounts")
@Produces(MediaType.APPLICATION_JSON)
public class AuthResource {

    private final AuthService auth;
    private final ClientAddress clientAddress;
    private final SecurityIdentity identity;
    private final io.patgate.account.sso.SsoService sso;

    public AuthResource(
            AuthService auth,
            ClientAddress clientAddress,
            SecurityIdentity identity,
            io.patgate.account.sso.SsoService sso) {
        this.auth = auth;
        this.sso = sso;
        this.clientAddress = clientAddress;
        this.identity = identity;
    }

    @POST
    @Path("/login")
    @PermitAll
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Log in", description = "Exchanges a username and password for a short-lived session JWT.")
    @APIResponse(
            responseCode = "200",
            description = "Logged in",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            examples =
                                    @ExampleObject(
                                            name = "session",
                                            value =
                                                    "{\"token\":\"eyJraWQiOiJ...\",\"expiresAt\":\"2027-01-31T20:00:00Z\"}")))
    @APIResponse(responseCode = "401", description = "Wrong username or password (the same answer for an unknown user)")
    @APIResponse(
            responseCode = "429",
            description = "Too many failed logins for this username or address; `Retry-After` says how long to wait")
    @APIResponse(
            responseCode = "503",
            description =
                    "Too many passwords are being checked at once (`patgate.password.max-concurrent`); `Retry-After` says when to try again")
    public Uni<UserRequests.Session> login(
            @Valid @NotNull UserRequests.Login body, @Context HttpServerRequest request) {
        return auth.login(body, clientAddress.of(request));
    }

    @POST
    @Path("/logout")
    @Authenticated
    @SecurityRequirement(name = "bearer")
    @Operation(
            summary = "Log out",
            description = "Ends the session whose token made this request; it stops working at once.")
    @APIResponse(responseCode = "204", description = "Logged out")
    @APIResponse(responseCode = "403", description = "The credential is a personal access token, not a session")
    public Uni<Void> logout() {
        return auth.logout(Callers.of(identity));
    }

    @GET
    @Path("/oidc")
    @PermitAll
    @Operation(hidden = true)
    public io.patgate.account.sso.SsoViews.SignInOptions signInOptions() {
        return sso.options();
    }

    @POST
    @Path("/oidc/session")
    @PermitAll
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(hidden = true)
    public Uni<io.patgate.account.sso.SsoViews.Session> ssoSession(
            @Valid @NotNull io.patgate.account.sso.SsoViews.Handoff body) {
        return sso.collect(body.code());
    }
}
