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
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
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
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/tokens")
@Tag(name = "Personal access tokens")
@Authenticated
@SecurityRequirement(name = "bearer")
@SecurityRequirement(name = "basic")
@Produces(MediaType.APPLICATION_JSON)
public class TokenResource {

    static final String TOKEN_EXAMPLE = "{\"id\":\"5d0c8f2a-1b7e-4e0c-8a0b-2f4d3c9e7a11\",\"name\":\"nightly backup\","
            + "\"description\":\"Runs at 02:00 from the backup host\",\"scopes\":[\"deploy\"],\"allowedCidrs\":[\"10.0.0.0/8\"],"
            + "\"createdAt\":\"2027-01-01T12:00:00Z\",\"expiresAt\":\"2027-01-31T12:00:00Z\",\"lastUsedAt\":\"2027-01-02T02:00:03Z\","
            + "\"lastUsedIp\":\"10.1.2.3\",\"recentIps\":[{\"ip\":\"10.1.2.3\",\"lastSeenAt\":\"2027-01-02T02:00:03Z\"}],"
            + "\"revokedAt\":null,\"revokedReason\":null,\"status\":\"active\",\"owner\":\"alice\","
            + "\"ownerId\":\"0b9c2f6e-8d1a-4c61-9a43-6f1f0d7f4a10\"}";
    static final String ISSUED_EXAMPLE = "{\"id\":\"5d0c8f2a-1b7e-4e0c-8a0b-2f4d3c9e7a11\",\"name\":\"nightly backup\","
            + "\"description\":null,\"scopes\":[\"deploy\"],\"allowedCidrs\":[],\"createdAt\":\"2027-01-01T12:00:00Z\","
            + "\"expiresAt\":\"2027-01-31T12:00:00Z\",\"lastUsedAt\":null,\"lastUsedIp\":null,\"recentIps\":[],\"revokedAt\":null,"
            + "\"revokedReason\":null,\"status\":\"active\",\"owner\":\"alice\",\"ownerId\":\"0b9c2f6e-8d1a-4c61-9a43-6f1f0d7f4a10\","
            + "\"token\":\"eyJraWQiOiJxM1pmMHNZdDNtMVZuMlJrIiwidHlwIjoicGF0K2p3dCIsImFsZyI6IkVTMjU2In0...\"}";

    private final TokenService tokens;
    private final TokenQueries queries;
    private final SecurityIdentity identity;

    public TokenResource(TokenService tokens, TokenQueries queries, SecurityIdentity identity) {
        this.tokens = tokens;
        this.queries = queries;
        this.identity = identity;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Create a token",
            description = "With a session, or a token holding scope `tokens` (which can then grant no "
                    + "more scopes and no later expiry than itself). The answer is the only time the value is shown.")
    @APIResponse(
            responseCode = "201",
            description = "Created; `token` holds the value",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            examples = @ExampleObject(name = "issued", value = ISSUED_EXAMPLE)))
    @APIResponse(responseCode = "400", description = "Invalid name, expiry, scopes or CIDRs (each named in `errors`)")
    @APIResponse(responseCode = "403", description = "A token without scope `tokens`, or asking for more than it holds")
    @APIResponse(responseCode = "409", description = "You already have an active token with that name")
    @APIResponse(responseCode = "422", description = "You hold patgate.tokens.max-per-user active tokens already")
    public Uni<Response> create(@Valid @NotNull TokenRequests.Create body) {
        return tokens.create(Callers.of(identity), body)
                .map(view -> Response.created(URI.create("/api/v1/tokens/" + view.id()))
                        .entity(view)
                        .build());
    }

    @GET
    @Operation(
            summary = "List your tokens",
            description = "Newest first, paged; the total is in `X-Total-Count`. Never the values.")
    @APIResponse(
            responseCode = "200",
            description = "A page of tokens",
            headers = @Header(name = "X-Total-Count"),
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            examples = @ExampleObject(name = "tokens", value = "[" + TOKEN_EXAMPLE + "]")))
    public Uni<Response> list(
            @Parameter(
                            description = "active, expired, revoked or all (default)",
                            schema =
                                    @Schema(
                                            type = SchemaType.STRING,
                                            enumeration = {"active", "expired", "revoked", "all"}))
                    @QueryParam("status")
                    String status,
            @Parameter(description = "Only names containing this text (case-insensitive)", example = "deploy")
                    @QueryParam("q")
                    String search,
            @Parameter(
                            description = "created (newest first, the default), expires (soonest first), "
                                    + "lastUsed (most recent first) or name (A to Z)",
                            schema =
                                    @Schema(
                                            type = SchemaType.STRING,
                                            enumeration = {"created", "expires", "lastUsed", "name"}))
                    @QueryParam("sort")
                    String sort,
            @BeanParam PageParams paging) {
        return queries.listOwn(
                        Callers.of(identity),
                        new TokenQueries.ListQuery(status, search, sort),
                        paging.page(),
                        paging.size())
                .map(PageParams::response);
    }

    @GET
    @Path("/self")
    @Operation(
            summary = "The token making this request",
            description = "Any personal access token may ask about itself. "
                    + "`scopes` is what it may do now (its granted scopes that its owner still holds as roles, plus `tokens`); "
                    + "`grantedScopes` is what it was granted.")
    @APIResponse(
            responseCode = "200",
            description = "This token",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            examples = @ExampleObject(name = "token", value = TOKEN_EXAMPLE)))
    @APIResponse(responseCode = "403", description = "The request was made with a session")
    public Uni<TokenRequests.View> self() {
        return queries.self(Callers.of(identity));
    }

    @POST
    @Path("/self/rotate")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "The token making this request rotates itself",
            description =
                    "For unattended jobs (a CronJob that acts on "
                            + "`token.expiring`): a personal access token, about itself, needs no scope. Like a regeneration: a new value under the same "
                            + "id, expiring in `expiresInDays` (within patgate.tokens.max-lifetime; default patgate.tokens.default-lifetime); the value "
                            + "making the request keeps working `graceSeconds` more (0 to 86400, default 0) so running jobs can switch. Only the current "
                            + "value rotates: the one it replaced, during its grace period, gets 409. Audited (`token.rotated`).")
    @RequestBody(
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            examples =
                                    @ExampleObject(
                                            name = "rotate",
                                            value = "{\"expiresInDays\":30,\"graceSeconds\":3600}")))
    @APIResponse(
            responseCode = "200",
            description = "The token with its new value in `token`",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            examples = @ExampleObject(name = "issued", value = ISSUED_EXAMPLE)))
    @APIResponse(
            responseCode = "400",
            description =
                    "`expiresInDays` outside 1 to the maximum lifetime, `graceSeconds` outside 0-86400, or another field")
    @APIResponse(
            responseCode = "403",
            description = "The request was made with a session: only a personal access token rotates itself")
    @APIResponse(
            responseCode = "409",
            description =
                    "The value presented was replaced already (it is in its grace period), or the token was revoked meanwhile")
    public Uni<TokenRequests.View> rotateSelf(@Valid TokenRequests.Rotate body) {
        return tokens.rotateSelf(Callers.of(identity), body == null ? new TokenRequests.Rotate(null, null) : body);
    }

    @GET
    @Path("/{id}")
    @Operation(
            summary = "Get a token",
            description =
                    "Yours (or a service account's you manage), or anyone's for an admin. Someone else's token is 404.")
    @APIResponse(
            responseCode = "200",
            description = "The token",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            examples = @ExampleObject(name = "token", value = TOKEN_EXAMPLE)))
    @APIResponse(responseCode = "404", description = "No such token, or not yours")
    public Uni<TokenRequests.View> get(@PathParam("id") UUID id) {
        return queries.get(Callers.of(identity), id);
    }

    @PATCH
    @Path("/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Change a token's description or scopes",
            description = "Takes effect on the token's next request.")
    @APIResponse(
            responseCode = "200",
            description = "The changed token",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            examples = @ExampleObject(name = "token", value = TOKEN_EXAMPLE)))
    @APIResponse(responseCode = "404", description = "No such token, or not yours")
    public Uni<TokenRequests.View> update(@PathParam("id") UUID id, @Valid @NotNull TokenRequests.Update body) {
        return tokens.update(Callers.of(identity), id, body);
    }

    @POST
    @Path("/{id}/regenerate")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Regenerate a token",
            description = "A new value and expiry under the same id. The old value stops working at once, "
                    + "or after `graceSeconds` (at most 86400) so running jobs can switch.")
    @APIResponse(
            responseCode = "200",
            description = "The token with its new value in `token`",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            examples = @ExampleObject(name = "issued", value = ISSUED_EXAMPLE)))
    @APIResponse(responseCode = "404", description = "No such token, or not yours")
    @APIResponse(responseCode = "409", description = "The token is revoked")
    public Uni<TokenRequests.View> regenerate(@PathParam("id") UUID id, @Valid @NotNull TokenRequests.Regenerate body) {
        return tokens.regenerate(Callers.of(identity), id, body);
    }

    @DELETE
    @Path("/{id}")
    @Operation(
            summary = "Revoke a token",
            description = "It stops working on its next request. Revoking twice is fine (204).")
    @APIResponse(responseCode = "204", description = "Revoked")
    @APIResponse(responseCode = "404", description = "No such token, or not yours")
    public Uni<Void> revoke(@PathParam("id") UUID id) {
        return tokens.revoke(Callers.of(identity), id);
    }
}
