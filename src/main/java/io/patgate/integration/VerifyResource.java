package io.patgate.integration;

import io.patgate.http.ClientAddress;
import io.patgate.http.ProblemException;
import io.patgate.identity.Caller;
import io.patgate.identity.CredentialRequest;
import io.patgate.identity.CredentialVerifier;
import io.patgate.identity.PatgateAuthMechanism;
import io.smallrye.common.annotation.NonBlocking;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

/**
 * Forward-auth for ingresses (nginx {@code auth_request}, Traefik ForwardAuth, Envoy {@code ext_authz}):
 * answers from memory whether the request's credential is good, and who it is. It is the hottest path
 * of the service, so it calls the credential check directly (the same {@link CredentialVerifier} and
 * header rules as every other endpoint) instead of going through the generic security layers.
 */
@Path("/auth/verify")
@Tag(name = "For other services")
@PermitAll
@SecurityRequirement(name = "bearer")
@SecurityRequirement(name = "basic")
public class VerifyResource {

    private final CredentialVerifier verifier;
    private final ClientAddress clientAddress;

    public VerifyResource(CredentialVerifier verifier, ClientAddress clientAddress) {
        this.verifier = verifier;
        this.clientAddress = clientAddress;
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
    public Uni<Response> verify(@Parameter(description = "A scope the credential must hold; repeatable") @QueryParam("scope") List<String> required,
                                @Context HttpServerRequest request) {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        CredentialRequest credential = header == null ? null : PatgateAuthMechanism.parse(header, clientAddress.of(request));
        if (credential == null) {
            throw ProblemException.unauthorized("A credential is required");
        }
        return verifier.check(credential).map(checked -> {
            Caller caller = checked.orElseThrow(() -> ProblemException.unauthorized("The credential is invalid, expired or revoked"));
            List<String> effective = caller.effectiveScopes();
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
        });
    }
}
