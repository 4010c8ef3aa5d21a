package io.patgate.integration;

import io.patgate.account.Callers;
import io.patgate.http.ProblemException;
import io.patgate.identity.Caller;
import io.patgate.identity.PatgateIdentityProvider;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.NonBlocking;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Forward-auth for ingresses (nginx {@code auth_request}, Traefik ForwardAuth, Envoy {@code ext_authz}):
 * answers from memory whether the request's credential is good, and who it is.
 */
@Path("/auth/verify")
@Tag(name = "For other services")
@Authenticated
@SecurityRequirement(name = "bearer")
@SecurityRequirement(name = "basic")
public class VerifyResource {

    private final SecurityIdentity identity;

    public VerifyResource(SecurityIdentity identity) {
        this.identity = identity;
    }

    @GET
    @NonBlocking
    @Operation(summary = "Is this credential good right now?", description = "Reads `Authorization` (and `X-Forwarded-For` from trusted "
            + "proxies). Never touches the database.")
    @APIResponse(responseCode = "200", description = "Good; who it is travels in headers", headers = {
            @Header(name = "X-Auth-User", description = "username"),
            @Header(name = "X-Auth-User-Id", description = "user id"),
            @Header(name = "X-Auth-Scopes", description = "effective scopes, comma-separated"),
            @Header(name = "X-Auth-Token-Id", description = "the token's id (personal access tokens only)")})
    @APIResponse(responseCode = "401", description = "Missing, invalid, expired or revoked")
    @APIResponse(responseCode = "403", description = "A scope named in `?scope=` is missing (the problem names it)")
    public Response verify(@Parameter(description = "A scope the credential must hold; repeatable") @QueryParam("scope") List<String> required) {
        Caller caller = Callers.of(identity);
        Set<String> effective = new TreeSet<>(PatgateIdentityProvider.effectiveRoles(caller));
        if (required != null) {
            for (String scope : required) {
                if (!effective.contains(scope)) {
                    throw ProblemException.forbidden("Missing scope '" + scope + "'");
                }
            }
        }
        Response.ResponseBuilder ok = Response.ok()
                .header("X-Auth-User", caller.username())
                .header("X-Auth-User-Id", caller.userId())
                .header("X-Auth-Scopes", String.join(",", effective))
                .header("Cache-Control", "no-store");
        if (!caller.isSession()) {
            ok.header("X-Auth-Token-Id", caller.credentialId());
        }
        return ok.build();
    }
}
