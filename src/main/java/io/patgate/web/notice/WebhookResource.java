package io.patgate.web.notice;

import io.patgate.domain.Permissions;
import io.patgate.identity.Callers;
import io.patgate.notice.WebhookRequests;
import io.patgate.notice.WebhookService;
import io.patgate.web.PageParams;
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
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/admin/webhooks")
@Tag(
        name = "Webhooks",
        description = "Notices about tokens, POSTed to receivers and signed (admin only). A delivery is "
                + "`{\"id\",\"event\",\"at\",\"token\":{token without value},\"user\":{\"id\",\"username\"},\"detail\"}` with headers `X-Patgate-Event`, "
                + "`X-Patgate-Delivery` (the notice id: de-duplicate on it), `X-Patgate-Timestamp` (unix seconds of the attempt) and "
                + "`X-Patgate-Signature-256: sha256=<hex HMAC-SHA256 of timestamp + \".\" + raw body, keyed with the secret>` (during a secret's "
                + "overlap a second, comma-separated entry for the replaced secret). Receivers refuse a timestamp more than 5 minutes away "
                + "from their clock. The top-level `webhooks` of this document describes a delivery. A 2xx answer within `patgate.webhooks.timeout` (5 s) delivers; anything else (a redirect too) is retried "
                + "with exponential backoff for a day.")
@RolesAllowed(Permissions.ADMIN)
@SecurityRequirement(name = "bearer")
@Produces(MediaType.APPLICATION_JSON)
public class WebhookResource {

    static final String HOOK_EXAMPLE =
            "{\"id\":\"7c1e2d4a-5b6f-4a8e-9d0c-1b2a3f4e5d6c\",\"url\":\"https://hooks.example.com/patgate\","
                    + "\"events\":[\"token.expiring\",\"token.revoked\"],\"active\":true,\"createdAt\":\"2027-01-31T12:00:00Z\",\"updatedAt\":\"2027-01-31T12:00:00Z\","
                    + "\"previousSecretValidUntil\":null}";
    static final String CHANGED_SECRET_EXAMPLE =
            "{\"id\":\"7c1e2d4a-5b6f-4a8e-9d0c-1b2a3f4e5d6c\",\"url\":\"https://hooks.example.com/patgate\","
                    + "\"events\":[\"token.expiring\",\"token.revoked\"],\"active\":true,\"createdAt\":\"2027-01-31T12:00:00Z\",\"updatedAt\":\"2027-02-03T09:30:00Z\","
                    + "\"previousSecretValidUntil\":\"2027-02-04T09:30:00Z\"}";
    static final String DELIVERY_EXAMPLE =
            "{\"id\":\"3e9a1c2b-4d5f-4e6a-8b7c-9d0e1f2a3b4c\",\"eventId\":\"a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d\","
                    + "\"event\":\"token.revoked\",\"state\":\"failed\",\"attempts\":14,\"responseCode\":500,\"durationMs\":87,\"error\":\"answered 500\","
                    + "\"createdAt\":\"2027-01-31T12:00:00Z\",\"lastAttemptAt\":\"2027-02-01T11:40:00Z\",\"nextAttemptAt\":null,\"deliveredAt\":null,\"redeliveryOf\":null}";

    private final WebhookService hooks;
    private final SecurityIdentity identity;

    public WebhookResource(WebhookService hooks, SecurityIdentity identity) {
        this.hooks = hooks;
        this.identity = identity;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Create a webhook",
            description = "The URL is resolved and refused (400) if any address it has is loopback, "
                    + "link-local, private, reserved or a cloud platform's service address, unless `patgate.webhooks.allow-local-network=true`, "
                    + "or in `patgate.webhooks.deny-networks` (always); it is checked again before every delivery. "
                    + "The secret is stored encrypted and never shown again.")
    @RequestBody(
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            examples =
                                    @ExampleObject(
                                            name = "hook",
                                            value =
                                                    "{\"url\":\"https://hooks.example.com/patgate\",\"secret\":\"3f1c9a0e-random-and-long-enough\",\"events\":[\"token.expiring\",\"token.revoked\"]}")))
    @APIResponse(
            responseCode = "201",
            description = "Created",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            examples = @ExampleObject(name = "hook", value = HOOK_EXAMPLE)))
    @APIResponse(
            responseCode = "400",
            description = "Not an http(s) URL, a host that does not resolve or resolves to a local address, "
                    + "a secret shorter than 16 characters, or an unknown event",
            content =
                    @Content(
                            mediaType = "application/problem+json",
                            examples = {
                                @ExampleObject(
                                        name = "local",
                                        value =
                                                "{\"type\":\"urn:patgate:problem:invalid\",\"title\":\"Invalid request\",\"status\":400,"
                                                        + "\"detail\":\"url: resolves to 127.0.0.1, a loopback, link-local, private, reserved or cloud-platform address; such targets need "
                                                        + "patgate.webhooks.allow-local-network=true\",\"errors\":[{\"field\":\"url\",\"message\":\"resolves to 127.0.0.1, a loopback, "
                                                        + "link-local, private, reserved or cloud-platform address; such targets need patgate.webhooks.allow-local-network=true\"}]}"),
                                @ExampleObject(
                                        name = "denied",
                                        value =
                                                "{\"type\":\"urn:patgate:problem:invalid\",\"title\":\"Invalid request\",\"status\":400,"
                                                        + "\"detail\":\"url: resolves to 10.20.0.7, in 10.20.0.0/16 of patgate.webhooks.deny-networks\",\"errors\":[{\"field\":\"url\","
                                                        + "\"message\":\"resolves to 10.20.0.7, in 10.20.0.0/16 of patgate.webhooks.deny-networks\"}]}")
                            }))
    @APIResponse(responseCode = "403", description = "Not an admin")
    @APIResponse(responseCode = "422", description = "100 webhooks exist already")
    public Uni<Response> create(@Valid @NotNull WebhookRequests.Create body) {
        return hooks.create(Callers.of(identity), body)
                .map(hook -> Response.created(URI.create("/api/v1/admin/webhooks/" + hook.id()))
                        .entity(hook)
                        .build());
    }

    @GET
    @Operation(summary = "List webhooks", description = "Oldest first, paged; the total is in `X-Total-Count`.")
    @APIResponse(
            responseCode = "200",
            description = "A page of webhooks",
            headers = @Header(name = "X-Total-Count"),
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            examples = @ExampleObject(name = "hooks", value = "[" + HOOK_EXAMPLE + "]")))
    public Uni<Response> list(@BeanParam PageParams paging) {
        return hooks.list(paging.page(), paging.size()).map(PageParams::response);
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "Get a webhook")
    @APIResponse(
            responseCode = "200",
            description = "The webhook",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            examples = @ExampleObject(name = "hook", value = HOOK_EXAMPLE)))
    @APIResponse(responseCode = "404", description = "No such webhook")
    public Uni<WebhookRequests.View> get(@PathParam("id") UUID id) {
        return hooks.get(id);
    }

    @PATCH
    @Path("/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Change a webhook",
            description =
                    "Any of `url` (checked as at creation), `secret`, `events`, `active`, "
                            + "`dropPreviousSecret`. Deliveries already made keep the body they had. After a new `secret`, every attempt is signed with it "
                            + "and, for `patgate.webhooks.secret-overlap` (24 h; `previousSecretValidUntil` says until when), also with the secret it "
                            + "replaced: `X-Patgate-Signature-256: sha256=<new>,sha256=<old>`. Only the last replaced secret is kept: a second change "
                            + "within the overlap ends the first one's. `\"dropPreviousSecret\":true` ends the overlap at once (a leaked secret).")
    @RequestBody(
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            examples = {
                                @ExampleObject(name = "pause", value = "{\"active\":false}"),
                                @ExampleObject(
                                        name = "new secret",
                                        summary = "Change the secret; the old one also signs for the overlap",
                                        value = "{\"secret\":\"9b2e77d4-the-next-random-secret\"}"),
                                @ExampleObject(
                                        name = "leaked secret",
                                        summary = "Change the secret; the old one stops at once",
                                        value =
                                                "{\"secret\":\"9b2e77d4-the-next-random-secret\",\"dropPreviousSecret\":true}")
                            }))
    @APIResponse(
            responseCode = "200",
            description = "The changed webhook",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            examples = {
                                @ExampleObject(name = "hook", value = HOOK_EXAMPLE),
                                @ExampleObject(name = "new secret", value = CHANGED_SECRET_EXAMPLE)
                            }))
    @APIResponse(responseCode = "400", description = "As for create")
    @APIResponse(responseCode = "404", description = "No such webhook")
    public Uni<WebhookRequests.View> update(@PathParam("id") UUID id, @Valid @NotNull WebhookRequests.Update body) {
        return hooks.update(Callers.of(identity), id, body);
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Delete a webhook", description = "With its delivery history; nothing more is sent to it.")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "404", description = "No such webhook")
    public Uni<Void> delete(@PathParam("id") UUID id) {
        return hooks.delete(Callers.of(identity), id);
    }

    @GET
    @Path("/{id}/deliveries")
    @Operation(
            summary = "Recent deliveries of a webhook",
            description =
                    "Newest first, paged: each notice sent to this hook, its state "
                            + "(`pending`, `delivered`, `failed`: given up after a day of retries), attempts, the receiver's last status code and how long "
                            + "it took. Kept for `patgate.notices.retention` (30 days, and never less than the longest expiry warning plus a day: 31 days by default).")
    @APIResponse(
            responseCode = "200",
            description = "A page of deliveries",
            headers = @Header(name = "X-Total-Count"),
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            examples = @ExampleObject(name = "deliveries", value = "[" + DELIVERY_EXAMPLE + "]")))
    @APIResponse(responseCode = "404", description = "No such webhook")
    public Uni<Response> deliveries(@PathParam("id") UUID id, @BeanParam PageParams paging) {
        return hooks.deliveries(id, paging.page(), paging.size()).map(PageParams::response);
    }

    @POST
    @Path("/{id}/deliveries/{deliveryId}/redeliver")
    @Operation(
            summary = "Redeliver",
            description =
                    "Sends that delivery's notice to this hook again, now, as a new delivery with the same "
                            + "body and the same `X-Patgate-Delivery` (so a receiver that already has it can tell), retried like any other.")
    @APIResponse(
            responseCode = "202",
            description = "The new delivery, pending",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            examples = @ExampleObject(name = "delivery", value = DELIVERY_EXAMPLE)))
    @APIResponse(responseCode = "404", description = "No such webhook, or no such delivery of it")
    public Uni<Response> redeliver(@PathParam("id") UUID id, @PathParam("deliveryId") UUID deliveryId) {
        return hooks.redeliver(Callers.of(identity), id, deliveryId)
                .map(d -> Response.accepted(d).build());
    }
}
