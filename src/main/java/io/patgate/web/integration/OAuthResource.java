package io.patgate.web.integration;

import io.patgate.account.AuthService;
import io.patgate.identity.CredentialVerifier;
import io.patgate.identity.IdentityState;
import io.patgate.integration.RevocationReports;
import io.patgate.revocation.TokenRevocation;
import io.patgate.web.ClientAddress;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * OAuth 2.0 Token Revocation (RFC 7009) for PATs and sessions. Introspection (RFC 7662) is on the fast path:
 * {@link IntrospectionRoute}.
 */
@Path("/oauth")
@Tag(name = "For other services")
public class OAuthResource {

    private final RevocationReports reports;

    private final CredentialVerifier verifier;
    private final IdentityState state;
    private final TokenRevocation tokens;
    private final AuthService auth;
    private final ClientAddress clientAddress;

    public OAuthResource(
            CredentialVerifier verifier,
            IdentityState state,
            TokenRevocation tokens,
            AuthService auth,
            ClientAddress clientAddress,
            RevocationReports reports) {
        this.reports = reports;
        this.verifier = verifier;
        this.state = state;
        this.tokens = tokens;
        this.auth = auth;
        this.clientAddress = clientAddress;
    }

    @POST
    @Path("/revoke")
    @PermitAll
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(
            summary = "Token revocation (RFC 7009)",
            description =
                    "Report a leaked token: holding it is the proof, so no other credential "
                            + "is needed. A personal access token is revoked with reason `leak-report`; a session ends. The answer is 200 whatever the token "
                            + "was (unknown, forged, already revoked), so it tells nothing. At most `patgate.oauth.reports-allowed` (20) reports a minute per client address.")
    @APIResponse(responseCode = "200", description = "Reported (or nothing to do)")
    @APIResponse(responseCode = "429", description = "Too many reports from this address; see Retry-After")
    public Uni<Response> revoke(
            @FormParam("token") String token,
            @FormParam("token_type_hint") String hint,
            @Context HttpServerRequest request) {
        reports.admit(clientAddress.of(request));
        if (token == null || token.isBlank()) {
            return Uni.createFrom().item(Response.ok().build());
        }
        return verifier.identify(token.trim())
                .chain(found -> revoke(found))
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
        return auth.revokeReportedSession(
                it.sessionId(), it.userId(), user == null ? null : user.username(), it.expiresAt());
    }
}
