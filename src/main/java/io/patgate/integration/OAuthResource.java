package io.patgate.integration;

import io.patgate.domain.Permissions;
import io.quarkus.runtime.annotations.RegisterForReflection;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.patgate.account.AuthService;
import io.patgate.identity.Callers;
import io.patgate.http.ClientAddress;
import io.patgate.domain.Refusal;
import io.patgate.identity.Caller;
import io.patgate.identity.CredentialVerifier;
import io.patgate.identity.IdentityState;
import io.patgate.token.TokenService;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.Optional;

/** OAuth 2.0 Token Introspection (RFC 7662) and Token Revocation (RFC 7009) for PATs and sessions. */
@Path("/oauth")
@Tag(name = "For other services")
public class OAuthResource {

    private final RevocationReports reports;

    private final CredentialVerifier verifier;
    private final IdentityState state;
    private final TokenService tokens;
    private final AuthService auth;
    private final ClientAddress clientAddress;
    private final SecurityIdentity identity;

    public OAuthResource(CredentialVerifier verifier, IdentityState state, TokenService tokens, AuthService auth,
                         ClientAddress clientAddress, SecurityIdentity identity, RevocationReports reports) {
        this.reports = reports;
        this.verifier = verifier;
        this.state = state;
        this.tokens = tokens;
        this.auth = auth;
        this.clientAddress = clientAddress;
        this.identity = identity;
    }

    /** RFC 7662 section 2.2. Only {@code active} for anything that is not valid now. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @RegisterForReflection
    public record Introspection(boolean active, String sub, String username, String scope, Long exp, Long iat, String jti,
                                @JsonProperty("token_type") String tokenType,
                                @JsonProperty("patgate_credential") String credential) {
        static final Introspection INACTIVE = new Introspection(false, null, null, null, null, null, null, null, null);
    }

    @POST
    @Path("/introspect")
    @Authenticated
    @SecurityRequirement(name = "bearer")
    @SecurityRequirement(name = "basic")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Token introspection (RFC 7662)", description = "The caller needs the role `introspect` or `admin`. "
            + "Answered from memory, like every check. A token limited by `allowedCidrs` is judged by the address of this request "
            + "(the gateway's, or the client's as passed by a trusted proxy).")
    @APIResponse(responseCode = "200", description = "What the token is, or only `{\"active\":false}`", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, examples = {
            @ExampleObject(name = "active", value = "{\"active\":true,\"sub\":\"0b9c2f6e-8d1a-4c61-9a43-6f1f0d7f4a10\",\"username\":\"alice\","
                    + "\"scope\":\"deploy devices:read\",\"exp\":1801394400,\"iat\":1798802400,\"jti\":\"5d0c8f2a-1b7e-4e0c-8a0b-2f4d3c9e7a11\","
                    + "\"token_type\":\"Bearer\",\"patgate_credential\":\"pat\"}"),
            @ExampleObject(name = "inactive", value = "{\"active\":false}")}))
    @APIResponse(responseCode = "401", description = "The caller's own credential is missing or invalid")
    @APIResponse(responseCode = "403", description = "The caller lacks the role `introspect` (or `admin`)")
    public Uni<Introspection> introspect(@FormParam("token") String token, @FormParam("token_type_hint") String hint,
                                         @Context HttpServerRequest request) {
        Caller caller = Callers.of(identity);
        if (!identity.hasRole(Permissions.INTROSPECT) && !identity.hasRole(Permissions.ADMIN)) {
            throw Refusal.forbidden("Introspection needs the role '" + Permissions.INTROSPECT + "' or 'admin'");
        }
        if (token == null || token.isBlank()) {
            return Uni.createFrom().item(Introspection.INACTIVE);
        }
        return verifier.check(token.trim(), clientAddress.of(request)).map(checked -> checked.map(OAuthResource::describe)
                .orElse(Introspection.INACTIVE));
    }

    private static Introspection describe(Caller c) {
        return new Introspection(true, c.userId().toString(), c.username(), String.join(" ", c.effectiveScopes()),
                c.expiresAt() == null ? null : c.expiresAt().getEpochSecond(),
                c.issuedAt() == null ? null : c.issuedAt().getEpochSecond(),
                c.credentialId().toString(), "Bearer", c.method().wire());
    }

    @POST
    @Path("/revoke")
    @PermitAll
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(summary = "Token revocation (RFC 7009)", description = "Report a leaked token: holding it is the proof, so no other credential "
            + "is needed. A personal access token is revoked with reason `leak-report`; a session ends. The answer is 200 whatever the token "
            + "was (unknown, forged, already revoked), so it tells nothing. At most `patgate.oauth.reports-allowed` (20) reports a minute per client address.")
    @APIResponse(responseCode = "200", description = "Reported (or nothing to do)")
    @APIResponse(responseCode = "429", description = "Too many reports from this address; see Retry-After")
    public Uni<Response> revoke(@FormParam("token") String token, @FormParam("token_type_hint") String hint,
                                @Context HttpServerRequest request) {
        reports.admit(clientAddress.of(request));
        if (token == null || token.isBlank()) {
            return Uni.createFrom().item(Response.ok().build());
        }
        return verifier.identify(token.trim()).chain(found -> revoke(found))
                .replaceWith(Response.ok().build());
    }

    private Uni<Void> revoke(Optional<CredentialVerifier.Identified> found) {
        if (found.isEmpty()) {
            return Uni.createFrom().voidItem(); // RFC 7009 section 2.2: invalid tokens do not cause an error
        }
        CredentialVerifier.Identified it = found.get();
        if (it.token() != null) {
            return tokens.revokeReported(it.token().id()).replaceWithVoid();
        }
        IdentityState.UserState user = state.user(it.userId());
        return auth.revokeReportedSession(it.sessionId(), it.userId(), user == null ? null : user.username(), it.expiresAt());
    }
}
