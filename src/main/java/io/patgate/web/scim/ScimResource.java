package io.patgate.web.scim;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.patgate.account.Provisioning;
import io.patgate.domain.Permissions;
import io.patgate.domain.Refusal;
import io.patgate.identity.Caller;
import io.patgate.identity.Callers;
import io.patgate.web.ScimError;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.util.UUID;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * SCIM 2.0 (RFC 7643/7644) for an identity provider's provisioning client: Users and the discovery documents. The
 * caller is any credential whose effective scopes include {@code scim} (a service account's token, typically); unlike
 * the admin API's account writes, these take a token, since no person sits behind a provisioning client. Documented in
 * META-INF/openapi.yaml and docs/scim.md.
 */
@Path("/scim/v2")
@Authenticated
public class ScimResource {

    private static final String SCIM_JSON = ScimError.MEDIA_TYPE;
    private static final String NOT_SERVED = "/{resource: (Groups|Bulk|Me)(/.*)?}";

    private final Provisioning provisioning;
    private final SecurityIdentity identity;
    private final ObjectMapper json;

    @Context
    UriInfo uri;

    public ScimResource(Provisioning provisioning, SecurityIdentity identity, ObjectMapper json) {
        this.provisioning = provisioning;
        this.identity = identity;
        this.json = json;
    }

    @GET
    @Path("/ServiceProviderConfig")
    public Response serviceProviderConfig() {
        caller();
        return ok(ScimSchemas.serviceProviderConfig(base()));
    }

    @GET
    @Path("/ResourceTypes")
    public Response resourceTypes() {
        caller();
        return ok(ScimSchemas.list(java.util.List.of(ScimSchemas.userResourceType(base())), 1, 1));
    }

    @GET
    @Path("/ResourceTypes/User")
    public Response userResourceType() {
        caller();
        return ok(ScimSchemas.userResourceType(base()));
    }

    @GET
    @Path("/Schemas")
    public Response schemas() {
        caller();
        return ok(ScimSchemas.list(java.util.List.of(ScimSchemas.userSchema(base())), 1, 1));
    }

    @GET
    @Path("/Schemas/{id}")
    public Response schema(@PathParam("id") String id) {
        caller();
        if (!ScimSchemas.USER.equals(id)) {
            throw Refusal.notFound("Schema");
        }
        return ok(ScimSchemas.userSchema(base()));
    }

    @GET
    @Path("/Users")
    public Uni<Response> list(
            @QueryParam("filter") String filter,
            @QueryParam("startIndex") String startIndex,
            @QueryParam("count") String count) {
        caller();
        var parsed = ScimFilter.parse(filter);
        // RFC 7644 section 3.4.2.4: 1-based; below 1 means 1; a negative count means 0; more than the maximum is capped
        int start = Math.max(1, number("startIndex", startIndex, 1));
        int size = Math.min(ScimSchemas.MAX_RESULTS, Math.max(0, number("count", count, 100)));
        URI base = base();
        return provisioning
                .list(parsed, start - 1, size)
                .map(page -> ok(ScimSchemas.list(
                        page.accounts().stream()
                                .map(a -> ScimUsers.render(a, base))
                                .toList(),
                        page.total(),
                        start)));
    }

    @GET
    @Path("/Users/{id}")
    public Uni<Response> get(@PathParam("id") String id) {
        caller();
        return provisioning.get(id(id)).map(this::resource);
    }

    @POST
    @Path("/Users")
    @Consumes({SCIM_JSON, MediaType.APPLICATION_JSON})
    public Uni<Response> create(String body) {
        Caller caller = caller();
        ScimUsers.State user = ScimUsers.resource(parse(body), null);
        return provisioning
                .create(
                        caller,
                        new Provisioning.NewAccount(
                                user.userName(), user.externalId(), user.email(), user.roles(), user.active()))
                .onFailure(Refusal.class)
                .transform(ScimResource::uniqueness)
                .map(account -> Response.created(ScimUsers.location(account, base()))
                        .type(SCIM_JSON)
                        .tag(version(account))
                        .entity(ScimUsers.render(account, base()))
                        .build());
    }

    @PUT
    @Path("/Users/{id}")
    @Consumes({SCIM_JSON, MediaType.APPLICATION_JSON})
    public Uni<Response> replace(@PathParam("id") String id, String body) {
        Caller caller = caller();
        UUID account = id(id);
        JsonNode parsed = parse(body);
        return provisioning
                .get(account)
                .chain(current -> provisioning.update(
                        caller,
                        account,
                        ScimUsers.resource(parsed, ScimUsers.State.of(current)).asUpdate()))
                .map(this::resource);
    }

    @PATCH
    @Path("/Users/{id}")
    @Consumes({SCIM_JSON, MediaType.APPLICATION_JSON})
    public Uni<Response> patch(@PathParam("id") String id, String body) {
        Caller caller = caller();
        UUID account = id(id);
        JsonNode parsed = parse(body);
        return provisioning
                .get(account)
                .chain(current -> provisioning.update(
                        caller,
                        account,
                        ScimPatch.apply(ScimUsers.State.of(current), parsed).asUpdate()))
                .map(this::resource);
    }

    @DELETE
    @Path("/Users/{id}")
    public Uni<Response> delete(@PathParam("id") String id) {
        Caller caller = caller();
        return provisioning
                .delete(caller, id(id))
                .map(done -> Response.noContent().build());
    }

    /** Groups are not served: roles travel in the User's {@code roles} (or the single sign-on groups claim). */
    @GET
    @Path(NOT_SERVED)
    public Response notServed() {
        caller();
        throw ScimException.notImplemented(
                "patgate serves SCIM Users only: no Groups (roles travel in the User's \"roles\"), no Bulk, no Me");
    }

    @POST
    @Path(NOT_SERVED)
    public Response notServedPost() {
        return notServed();
    }

    @PUT
    @Path(NOT_SERVED)
    public Response notServedPut() {
        return notServed();
    }

    @PATCH
    @Path(NOT_SERVED)
    public Response notServedPatch() {
        return notServed();
    }

    @DELETE
    @Path(NOT_SERVED)
    public Response notServedDelete() {
        return notServed();
    }

    @ServerExceptionMapper
    public Response scim(ScimException e) {
        return e.error().response();
    }

    /** The caller, who must hold the {@code scim} scope now (a token's scopes that its owner still holds as roles). */
    private Caller caller() {
        Caller caller = Callers.of(identity);
        if (!caller.effectiveScopes().contains(Permissions.SCIM)) {
            throw ScimException.forbidden(
                    "This needs the '" + Permissions.SCIM + "' scope (a token of an account holding the '"
                            + Permissions.SCIM + "' role, made with that scope)");
        }
        return caller;
    }

    /** A userName taken is SCIM's 409 uniqueness, on which Okta and Entra ID look the person up and link them. */
    private static Throwable uniqueness(Throwable e) {
        return e instanceof Refusal r && r.kind() == Refusal.Kind.CONFLICT ? ScimException.uniqueness(r.detail()) : e;
    }

    private Response resource(Provisioning.Account account) {
        return Response.ok(ScimUsers.render(account, base()))
                .type(SCIM_JSON)
                .tag(version(account))
                .build();
    }

    private static jakarta.ws.rs.core.EntityTag version(Provisioning.Account account) {
        return new jakarta.ws.rs.core.EntityTag(Long.toString(account.version()), true);
    }

    private static Response ok(Object document) {
        return Response.ok(document).type(SCIM_JSON).build();
    }

    private URI base() {
        return uri.getBaseUriBuilder().path("scim/v2/").build();
    }

    private JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            throw ScimException.invalidSyntax("The body is empty; send a JSON object");
        }
        try {
            return json.readTree(body);
        } catch (JacksonException e) {
            throw ScimException.invalidSyntax("The body is not valid JSON");
        }
    }

    /** An id that is no UUID names no account: 404 like any unknown id. */
    private static UUID id(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw Refusal.notFound("User");
        }
    }

    private static int number(String name, String value, int otherwise) {
        if (value == null || value.isBlank()) {
            return otherwise;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw ScimException.invalidValue(name + " must be an integer");
        }
    }
}
