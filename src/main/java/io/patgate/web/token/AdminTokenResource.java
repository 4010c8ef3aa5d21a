package io.patgate.web.token;

import io.patgate.domain.Permissions;
import io.patgate.identity.Callers;
import io.patgate.token.TokenQueries;
import io.patgate.web.PageParams;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/admin/tokens")
@Tag(name = "Personal access tokens")
@RolesAllowed(Permissions.ADMIN)
@SecurityRequirement(name = "bearer")
@Produces(MediaType.APPLICATION_JSON)
public class AdminTokenResource {

    private final TokenQueries tokens;
    private final SecurityIdentity identity;

    public AdminTokenResource(TokenQueries tokens, SecurityIdentity identity) {
        this.tokens = tokens;
        this.identity = identity;
    }

    @GET
    @Operation(
            summary = "List every user's tokens",
            description = "Admin only. Newest first, paged; `?username=` narrows to one owner. "
                    + "Admins revoke any token with DELETE /api/v1/tokens/{id}.")
    @APIResponse(
            responseCode = "200",
            description = "A page of tokens",
            headers = @Header(name = "X-Total-Count"),
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            examples =
                                    @ExampleObject(name = "tokens", value = "[" + TokenResource.TOKEN_EXAMPLE + "]")))
    @APIResponse(responseCode = "403", description = "Not an admin")
    public Uni<Response> list(
            @Parameter(description = "Only this owner's tokens") @QueryParam("username") String username,
            @Parameter(description = "active, expired, revoked or all (default)") @QueryParam("status") String status,
            @Parameter(description = "Only names containing this text (case-insensitive)") @QueryParam("q")
                    String search,
            @Parameter(description = "created (default), expires, lastUsed or name") @QueryParam("sort") String sort,
            @BeanParam PageParams paging) {
        return tokens.listAll(
                        Callers.of(identity),
                        username,
                        new TokenQueries.ListQuery(status, search, sort),
                        paging.page(),
                        paging.size())
                .map(PageParams::response);
    }
}
