package io.patgate.web.token;

import io.patgate.identity.Callers;
import io.patgate.token.TokenQueries;
import io.patgate.token.TokenRequests;
import io.patgate.token.TokenService;
import io.patgate.web.PageParams;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** A service account's tokens: made and listed here; changed, regenerated and revoked through /api/v1/tokens/{id}, by its managers too. */
@Path("/api/v1/service-accounts/{id}/tokens")
@Tag(name = "Service accounts")
@Authenticated
@SecurityRequirement(name = "bearer")
@Produces(MediaType.APPLICATION_JSON)
public class ServiceAccountTokenResource {

    private static final String SA_TOKEN_EXAMPLE =
            "{\"id\":\"9a3f1c2e-5b6d-4e7f-8a9b-0c1d2e3f4a5b\",\"name\":\"release pipeline\","
                    + "\"description\":\"GitLab CI, project acme/app\",\"scopes\":[\"deploy\"],\"allowedCidrs\":[],\"createdAt\":\"2027-01-01T12:00:00Z\","
                    + "\"expiresAt\":\"2027-03-02T12:00:00Z\",\"lastUsedAt\":null,\"lastUsedIp\":null,\"recentIps\":[],\"revokedAt\":null,"
                    + "\"revokedReason\":null,\"status\":\"active\",\"owner\":\"ci-deployer\",\"ownerId\":\"7c1e5a40-2f7b-4a39-9d0e-3b5f1c2a9e44\"";

    private final TokenService tokens;
    private final TokenQueries queries;
    private final SecurityIdentity identity;

    public ServiceAccountTokenResource(TokenService tokens, TokenQueries queries, SecurityIdentity identity) {
        this.tokens = tokens;
        this.queries = queries;
        this.identity = identity;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Create a service account's token",
            description = "Admin or a manager, with a session. The body and the answer are "
                    + "POST /api/v1/tokens's; the token's `owner` is the account, so it keeps working whoever made it leaves. `scopes` must be among "
                    + "the account's roles (plus `tokens`); default: all of them. The expiry policy, networks and the per-owner quota apply as to "
                    + "any token; expiry and revocation notices go to the account's managers.")
    @RequestBody(
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            examples =
                                    @ExampleObject(
                                            name = "token",
                                            value =
                                                    "{\"name\":\"release pipeline\",\"description\":\"GitLab CI, project acme/app\",\"scopes\":[\"deploy\"],\"expiresInDays\":60}")))
    @APIResponse(
            responseCode = "201",
            description = "Created; `token` holds the value, shown this once",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            examples =
                                    @ExampleObject(
                                            name = "issued",
                                            value =
                                                    SA_TOKEN_EXAMPLE
                                                            + ",\"token\":\"eyJraWQiOiJxM1pmMHNZdDNtMVZuMlJrIiwidHlwIjoicGF0K2p3dCIsImFsZyI6IkVTMjU2In0...\"}")))
    @APIResponse(
            responseCode = "400",
            description =
                    "Invalid name, expiry or CIDRs, or scopes beyond the account's roles (each named in `errors`)")
    @APIResponse(responseCode = "403", description = "A personal access token instead of a session")
    @APIResponse(responseCode = "404", description = "No such service account, or not one you manage")
    @APIResponse(
            responseCode = "409",
            description = "The account already has an active token with that name, or it is disabled")
    @APIResponse(
            responseCode = "422",
            description = "The account holds patgate.tokens.max-per-user active tokens already")
    public Uni<Response> create(@PathParam("id") UUID accountId, @Valid @NotNull TokenRequests.Create body) {
        return tokens.createFor(Callers.of(identity), accountId, body)
                .map(view -> Response.created(URI.create("/api/v1/tokens/" + view.id()))
                        .entity(view)
                        .build());
    }

    @GET
    @Operation(
            summary = "List a service account's tokens",
            description = "Admin or a manager, with a session. Filters and paging as GET "
                    + "/api/v1/tokens: newest first, the total in `X-Total-Count`, never the values.")
    @APIResponse(
            responseCode = "200",
            description = "A page of tokens",
            headers = @Header(name = "X-Total-Count"),
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            examples = @ExampleObject(name = "tokens", value = "[" + SA_TOKEN_EXAMPLE + "}]")))
    @APIResponse(responseCode = "403", description = "A personal access token instead of a session")
    @APIResponse(responseCode = "404", description = "No such service account, or not one you manage")
    public Uni<Response> list(
            @PathParam("id") UUID accountId,
            @Parameter(description = "active, expired, revoked or all (default)") @QueryParam("status") String status,
            @Parameter(description = "Only names containing this text (case-insensitive)") @QueryParam("q")
                    String search,
            @Parameter(description = "created (default), expires, lastUsed or name") @QueryParam("sort") String sort,
            @BeanParam PageParams paging) {
        return queries.listFor(
                        Callers.of(identity),
                        accountId,
                        new TokenQueries.ListQuery(status, search, sort),
                        paging.page(),
                        paging.size())
                .map(PageParams::response);
    }
}
