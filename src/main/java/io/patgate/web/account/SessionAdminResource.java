package io.patgate.web.account;

import io.patgate.account.AuthService;
import io.patgate.account.UserRequests;
import io.patgate.domain.Permissions;
import io.patgate.identity.Callers;
import io.patgate.web.SessionRequired;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The incident button: after a signing key leaked, rotate it, then end every session. */
@Path("/api/v1/admin/sessions")
@Tag(name = "Accounts")
@RolesAllowed(Permissions.ADMIN)
@SecurityRequirement(name = "bearer")
@Produces(MediaType.APPLICATION_JSON)
public class SessionAdminResource {

    private final AuthService auth;
    private final SecurityIdentity identity;

    public SessionAdminResource(AuthService auth, SecurityIdentity identity) {
        this.auth = auth;
        this.identity = identity;
    }

    @POST
    @Path("/revoke-all")
    @SessionRequired
    @Operation(
            summary = "End every session",
            description = "Admin only, with a signed-in session (never a personal access token: "
                    + "a stolen one could otherwise keep every admin signed out). Every session of every account ends at once, on every replica, "
                    + "the caller's own included; everyone signs in again. Personal access tokens keep working (they are bound to their "
                    + "digests, which a stolen signing key cannot forge). Audited as `sessions.revoked-all`. After a key leak: rotate the key "
                    + "first (POST /api/v1/admin/keys/rotate), then call this.")
    @APIResponse(
            responseCode = "200",
            description = "Every session issued before `sessionsNotBefore` is dead",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            examples =
                                    @ExampleObject(
                                            name = "ended",
                                            value =
                                                    "{\"accounts\":42,\"sessionsNotBefore\":\"2027-01-31T12:00:01Z\"}")))
    @APIResponse(
            responseCode = "403",
            description = "Not an admin, or (`session-required`) the credential is a personal access token",
            content =
                    @Content(
                            mediaType = "application/problem+json",
                            examples = @ExampleObject(name = "session-required", ref = SessionRequired.EXAMPLE)))
    public Uni<UserRequests.SessionsEnded> revokeAll() {
        return auth.endAllSessions(Callers.of(identity));
    }
}
