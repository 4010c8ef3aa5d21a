package io.patgate.web.account;

import io.patgate.account.ServiceAccountRequests;
import io.patgate.account.ServiceAccountService;
import io.patgate.account.ServiceAccountTrust;
import io.patgate.identity.Callers;
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
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/service-accounts")
@Tag(name = "Service accounts")
@Authenticated
@SecurityRequirement(name = "bearer")
@Produces(MediaType.APPLICATION_JSON)
public class ServiceAccountResource {

    static final String ACCOUNT_EXAMPLE = "{\"id\":\"7c1e5a40-2f7b-4a39-9d0e-3b5f1c2a9e44\",\"name\":\"ci-deployer\","
            + "\"description\":\"Deploys from the release pipeline\",\"roles\":[\"deploy\"],\"managers\":[\"alice\",\"bob\"],"
            + "\"disabled\":false,\"createdAt\":\"2027-01-31T12:00:00Z\"}";
    static final String TRUST_EXAMPLE =
            "{\"id\":\"4b7a2d1c-90e3-4f55-8a6b-1d2c3e4f5a60\",\"issuer\":\"https://token.actions.githubusercontent.com\","
                    + "\"audience\":\"patgate\",\"subject\":\"repo:acme/app:environment:prod\",\"claims\":{\"ref\":\"refs/heads/main\","
                    + "\"repository\":\"acme/app\"},\"maxTtlSeconds\":900,\"jwks\":null,\"createdAt\":\"2027-01-31T12:00:00Z\",\"createdBy\":\"alice\"}";
    static final String K8S_TRUST_EXAMPLE =
            "{\"issuer\":\"https://kubernetes.default.svc.cluster.local\",\"audience\":\"patgate\","
                    + "\"subject\":\"system:serviceaccount:jobs:nightly-report\",\"maxTtlSeconds\":600,\"jwks\":{\"keys\":[{\"kty\":\"RSA\","
                    + "\"kid\":\"3Jd…\",\"alg\":\"RS256\",\"use\":\"sig\",\"n\":\"0vx7agoebGcQSuu…\",\"e\":\"AQAB\"}]}}";

    private final ServiceAccountService accounts;
    private final ServiceAccountTrust trust;
    private final SecurityIdentity identity;

    public ServiceAccountResource(
            ServiceAccountService accounts, ServiceAccountTrust trust, SecurityIdentity identity) {
        this.accounts = accounts;
        this.trust = trust;
        this.identity = identity;
    }

    @io.patgate.web.SessionRequired
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Create a service account",
            description =
                    "Admin, with a session. An account no person signs in as: its tokens "
                            + "belong to it, so they keep working whoever made them leaves. Its name shares the namespace of usernames. Roles are an "
                            + "admin's to give (never `admin`); `managers` are usernames of people who may manage its tokens and trust.")
    @RequestBody(
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            examples =
                                    @ExampleObject(
                                            name = "account",
                                            value =
                                                    "{\"name\":\"ci-deployer\",\"description\":\"Deploys from the release pipeline\",\"roles\":[\"deploy\"],\"managers\":[\"alice\"]}")))
    @APIResponse(
            responseCode = "201",
            description = "Created",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            examples = @ExampleObject(name = "account", value = ACCOUNT_EXAMPLE)))
    @APIResponse(
            responseCode = "400",
            description =
                    "An invalid name or role, `admin` among the roles, or a manager who is not a person (each named in `errors`)")
    @APIResponse(responseCode = "403", description = "Not an admin, or a personal access token instead of a session")
    @APIResponse(
            responseCode = "409",
            description = "The name is taken, by a user or another service account (case-insensitive)")
    public Uni<Response> create(@Valid @NotNull ServiceAccountRequests.Create body) {
        return accounts.create(Callers.of(identity), body)
                .map(view -> Response.created(URI.create("/api/v1/service-accounts/" + view.id()))
                        .entity(view)
                        .build());
    }

    @GET
    @Operation(
            summary = "List service accounts",
            description =
                    "Every one for an admin; the ones you manage otherwise (an empty list "
                            + "if none). Newest first, paged; the total is in `X-Total-Count`. With a session, an admin's token, or a token with scope `tokens`.")
    @APIResponse(
            responseCode = "200",
            description = "A page of service accounts",
            headers = @Header(name = "X-Total-Count"),
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            examples = @ExampleObject(name = "accounts", value = "[" + ACCOUNT_EXAMPLE + "]")))
    @APIResponse(responseCode = "403", description = "A personal access token of a non-admin without scope `tokens`")
    public Uni<Response> list(@BeanParam PageParams paging) {
        return accounts.list(Callers.of(identity), paging.page(), paging.size()).map(PageParams::response);
    }

    @GET
    @Path("/{id}")
    @Operation(
            summary = "Get a service account",
            description = "Admins, and its managers. Anyone else's answer is 404, as for an id that does not exist.")
    @APIResponse(
            responseCode = "200",
            description = "The service account",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            examples = @ExampleObject(name = "account", value = ACCOUNT_EXAMPLE)))
    @APIResponse(responseCode = "404", description = "No such service account, or not one you manage")
    public Uni<ServiceAccountRequests.View> get(@PathParam("id") UUID id) {
        return accounts.get(Callers.of(identity), id);
    }

    @io.patgate.web.SessionRequired
    @PATCH
    @Path("/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Change a service account",
            description =
                    "With a session. Admins change anything; managers its `description` "
                            + "and `disabled`. Disabling ends every credential of the account at once, on every replica (its tokens are revoked with "
                            + "reason `user-disabled`; enabling it again does not bring them back). Removing a role takes it from its tokens at once.")
    @RequestBody(
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            examples = {
                                @ExampleObject(name = "disable", value = "{\"disabled\":true}"),
                                @ExampleObject(name = "managers", value = "{\"managers\":[\"alice\",\"carol\"]}")
                            }))
    @APIResponse(
            responseCode = "200",
            description = "The changed service account",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            examples = @ExampleObject(name = "account", value = ACCOUNT_EXAMPLE)))
    @APIResponse(responseCode = "400", description = "An invalid role, or a manager who is not a person")
    @APIResponse(responseCode = "403", description = "A manager changing roles or managers, or a personal access token")
    @APIResponse(responseCode = "404", description = "No such service account, or not one you manage")
    public Uni<ServiceAccountRequests.View> update(
            @PathParam("id") UUID id, @Valid @NotNull ServiceAccountRequests.Update body) {
        return accounts.update(Callers.of(identity), id, body);
    }

    @io.patgate.web.SessionRequired
    @DELETE
    @Path("/{id}")
    @Operation(
            summary = "Delete a service account",
            description =
                    "Admin, with a session. Every token of the account stops working at "
                            + "once, on every replica (they stay listed as revoked, reason `user-deleted`), and its trust entries are removed.")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(
            responseCode = "403",
            description = "Not an admin (managers may disable it), or a personal access token")
    @APIResponse(responseCode = "404", description = "No such service account, or not one you manage")
    public Uni<Void> delete(@PathParam("id") UUID id) {
        return accounts.delete(Callers.of(identity), id);
    }

    @io.patgate.web.SessionRequired
    @POST
    @Path("/{id}/trust")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Trust an identity to act as the service account",
            description = "Admin or a manager, with a session. A job "
                    + "holding a JWT from `issuer` whose `aud` contains `audience`, whose `sub` matches `subject` and whose named `claims` match "
                    + "may exchange it at POST /oauth/token for a token of this account, living at most `maxTtlSeconds`. Patterns are exact, or "
                    + "use `*` for any run of characters. The subject or at least one claim must be bound. `jwks` carries the issuer's public "
                    + "keys for an issuer whose discovery cannot be reached (a private cluster's API server). Every replica holds the entries "
                    + "in memory: the change takes effect everywhere at once.")
    @RequestBody(
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            examples = {
                                @ExampleObject(
                                        name = "GitHub Actions",
                                        value =
                                                "{\"issuer\":\"https://token.actions.githubusercontent.com\",\"audience\":\"patgate\","
                                                        + "\"subject\":\"repo:acme/app:environment:prod\",\"claims\":{\"repository\":\"acme/app\",\"ref\":\"refs/heads/main\"}}"),
                                @ExampleObject(
                                        name = "GitLab CI",
                                        value =
                                                "{\"issuer\":\"https://gitlab.com\",\"audience\":\"patgate\","
                                                        + "\"claims\":{\"project_path\":\"acme/app\",\"ref_type\":\"branch\",\"ref\":\"main\"},\"maxTtlSeconds\":600}"),
                                @ExampleObject(name = "Kubernetes, keys inline", value = K8S_TRUST_EXAMPLE)
                            }))
    @APIResponse(
            responseCode = "201",
            description = "Trusted",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            examples = @ExampleObject(name = "trust", value = TRUST_EXAMPLE)))
    @APIResponse(
            responseCode = "400",
            description =
                    "An issuer that is no absolute https URL, an empty or unbound pattern, a lifetime outside "
                            + "60-3600 s, or a JWKS that is not one of public keys (a private `d`, a symmetric `oct` key); `errors` names the field",
            content =
                    @Content(
                            mediaType = "application/problem+json",
                            examples =
                                    @ExampleObject(
                                            name = "private key",
                                            value =
                                                    "{\"type\":\"urn:patgate:problem:invalid\",\"title\":\"Invalid request\",\"status\":400,"
                                                            + "\"detail\":\"jwks.keys[0]: holds private key material ('d'): give the public key only\","
                                                            + "\"errors\":[{\"field\":\"jwks.keys[0]\",\"message\":\"holds private key material ('d'): give the public key only\"}]}")))
    @APIResponse(responseCode = "403", description = "A personal access token instead of a session")
    @APIResponse(responseCode = "404", description = "No such service account, or not one you manage")
    @APIResponse(responseCode = "422", description = "The account holds 100 trust entries already")
    public Uni<Response> addTrust(@PathParam("id") UUID id, @Valid @NotNull ServiceAccountRequests.CreateTrust body) {
        return trust.addTrust(Callers.of(identity), id, body)
                .map(view -> Response.created(URI.create("/api/v1/service-accounts/" + id + "/trust/" + view.id()))
                        .entity(view)
                        .build());
    }

    @GET
    @Path("/{id}/trust")
    @Operation(
            summary = "The service account's trust entries",
            description = "Admin or a manager, with a session. Oldest first.")
    @APIResponse(
            responseCode = "200",
            description = "The live entries",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            examples = @ExampleObject(name = "trust", value = "[" + TRUST_EXAMPLE + "]")))
    @APIResponse(responseCode = "403", description = "A personal access token instead of a session")
    @APIResponse(responseCode = "404", description = "No such service account, or not one you manage")
    public Uni<List<ServiceAccountRequests.TrustView>> trust(@PathParam("id") UUID id) {
        return trust.trust(Callers.of(identity), id);
    }

    @io.patgate.web.SessionRequired
    @DELETE
    @Path("/{id}/trust/{trustId}")
    @Operation(
            summary = "Stop trusting an identity",
            description = "Admin or a manager, with a session. No new exchange matches it, "
                    + "and tokens already exchanged through it stop working, on every replica at once.")
    @APIResponse(responseCode = "204", description = "Removed")
    @APIResponse(responseCode = "403", description = "A personal access token instead of a session")
    @APIResponse(
            responseCode = "404",
            description = "No such service account or entry (or one removed already), or not one you manage")
    public Uni<Void> removeTrust(@PathParam("id") UUID id, @PathParam("trustId") UUID trustId) {
        return trust.removeTrust(Callers.of(identity), id, trustId);
    }
}
