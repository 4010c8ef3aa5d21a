package io.patgate.web.account;

import io.patgate.account.UserRequests;
import io.patgate.account.UserService;
import io.patgate.domain.Permissions;
import io.patgate.identity.Callers;
import io.patgate.web.PageParams;
import io.patgate.web.SessionRequired;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
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
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/users")
@Tag(name = "Accounts")
@RolesAllowed(Permissions.ADMIN)
@SecurityRequirement(name = "bearer")
@Produces(MediaType.APPLICATION_JSON)
public class UserResource {

    private static final String USER_EXAMPLE =
            "{\"id\":\"0b9c2f6e-8d1a-4c61-9a43-6f1f0d7f4a10\",\"username\":\"ci-bot\","
                    + "\"roles\":[\"deploy\",\"devices:read\"],\"disabled\":false,\"createdAt\":\"2027-01-31T12:00:00Z\","
                    + "\"email\":null,\"emailConfirmed\":false,\"origin\":\"local\"}";

    private static final String PROBLEM = "application/problem+json";
    private static final String SESSION_OR_ADMIN =
            "The caller is not an admin, or (`session-required`) the credential is a personal "
                    + "access token: every write to an account needs a signed-in session";

    private final UserService users;
    private final SecurityIdentity identity;

    public UserResource(UserService users, SecurityIdentity identity) {
        this.users = users;
        this.identity = identity;
    }

    @POST
    @SessionRequired
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Create a user",
            description = "Admin only, with a signed-in session (never a personal access token). "
                    + "Roles are free-form; `admin` is the one the service honours.")
    @APIResponse(
            responseCode = "201",
            description = "Created",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            examples = @ExampleObject(name = "user", value = USER_EXAMPLE)))
    @APIResponse(responseCode = "400", description = "Invalid body (the `errors` array names each field)")
    @APIResponse(
            responseCode = "403",
            description = SESSION_OR_ADMIN,
            content =
                    @Content(
                            mediaType = PROBLEM,
                            examples = @ExampleObject(name = "session-required", ref = SessionRequired.EXAMPLE)))
    @APIResponse(
            responseCode = "409",
            description = "A user or a service account with that name already exists (case-insensitive)")
    @APIResponse(
            responseCode = "503",
            description =
                    "Too many passwords are being checked at once (`patgate.password.max-concurrent`); `Retry-After` says when to try again")
    public Uni<Response> create(@Valid @NotNull UserRequests.CreateUser body) {
        return users.create(Callers.of(identity), body)
                .map(user -> Response.created(URI.create("/api/v1/users/" + user.id()))
                        .entity(user)
                        .build());
    }

    @GET
    @Operation(
            summary = "List users",
            description =
                    "Admin only. People only: service accounts are listed, read and changed under "
                            + "/api/v1/service-accounts (here their ids are 404). Oldest first, paged; the total is in `X-Total-Count`.")
    @APIResponse(
            responseCode = "200",
            description = "A page of users",
            headers = @Header(name = "X-Total-Count", description = "Users in all pages"),
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            examples = @ExampleObject(name = "users", value = "[" + USER_EXAMPLE + "]")))
    public Uni<Response> list(
            @Parameter(description = "Only usernames containing this text (case-insensitive)", example = "bot")
                    @QueryParam("q")
                    String search,
            @BeanParam PageParams paging) {
        return users.list(search, paging.page(), paging.size()).map(PageParams::response);
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "Get a user", description = "Admin only.")
    @APIResponse(
            responseCode = "200",
            description = "The user",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            examples = @ExampleObject(name = "user", value = USER_EXAMPLE)))
    @APIResponse(responseCode = "404", description = "No such user")
    public Uni<UserRequests.UserView> get(@PathParam("id") UUID id) {
        return users.get(id);
    }

    @PATCH
    @Path("/{id}")
    @SessionRequired
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Change a user",
            description = "Admin only, with a signed-in session (never a personal access token). "
                    + "Any of `roles`, `disabled`, `password`, `email`. "
                    + "Disabling or demoting a user takes effect on the next request of each of their sessions and tokens. "
                    + "The last enabled admin cannot be disabled, demoted or deleted (409).")
    @APIResponse(
            responseCode = "200",
            description = "The changed user",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            examples = @ExampleObject(name = "user", value = USER_EXAMPLE)))
    @APIResponse(
            responseCode = "403",
            description = SESSION_OR_ADMIN,
            content =
                    @Content(
                            mediaType = PROBLEM,
                            examples = @ExampleObject(name = "session-required", ref = SessionRequired.EXAMPLE)))
    @APIResponse(responseCode = "404", description = "No such user")
    @APIResponse(responseCode = "409", description = "That would leave no enabled admin")
    public Uni<UserRequests.UserView> update(@PathParam("id") UUID id, @Valid @NotNull UserRequests.UpdateUser body) {
        return users.update(Callers.of(identity), id, body);
    }

    @DELETE
    @Path("/{id}")
    @SessionRequired
    @Operation(
            summary = "Delete a user",
            description = "Admin only, with a signed-in session (never a personal access token). "
                    + "Every session and token of that user stops working at once.")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(
            responseCode = "403",
            description = SESSION_OR_ADMIN,
            content =
                    @Content(
                            mediaType = PROBLEM,
                            examples = @ExampleObject(name = "session-required", ref = SessionRequired.EXAMPLE)))
    @APIResponse(responseCode = "404", description = "No such user")
    @APIResponse(responseCode = "409", description = "That is the last enabled admin")
    public Uni<Void> delete(@PathParam("id") UUID id) {
        return users.delete(Callers.of(identity), id);
    }
}
