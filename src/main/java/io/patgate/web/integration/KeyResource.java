package io.patgate.web.integration;

import io.patgate.domain.Permissions;
import io.patgate.domain.Refusal;
import io.patgate.identity.Callers;
import io.patgate.integration.KeyRotation;
import io.patgate.store.SigningKeyStore;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Signing keys for admins: the list, and rotation on demand (see {@link KeyRotation}). */
@Path("/api/v1/admin/keys")
@Tag(name = "For other services")
@RolesAllowed(Permissions.ADMIN)
@SecurityRequirement(name = "bearer")
@Produces(MediaType.APPLICATION_JSON)
public class KeyResource {

    private final KeyRotation rotation;
    private final SecurityIdentity identity;

    public KeyResource(KeyRotation rotation, SecurityIdentity identity) {
        this.rotation = rotation;
        this.identity = identity;
    }

    @GET
    @Operation(
            summary = "Signing keys",
            description = "Admin only. Every key, the active one first; never private material.")
    @APIResponse(
            responseCode = "200",
            description = "The keys",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            examples =
                                    @ExampleObject(
                                            name = "keys",
                                            value =
                                                    "[{\"kid\":\"q3Zf0sYt3m1Vn2Rk\",\"algorithm\":\"ES256\","
                                                            + "\"createdAt\":\"2027-01-01T00:00:00Z\",\"active\":true,\"signsFrom\":\"2027-01-01T00:00:00Z\",\"retiredAt\":null}]")))
    public Uni<List<SigningKeyStore.KeyInfo>> list() {
        return rotation.list();
    }

    @POST
    @Path("/rotate")
    @Operation(
            summary = "Rotate the signing key",
            description =
                    "Admin only. A new key (new `kid`) is published in the JWKS at once and "
                            + "signs new tokens and sessions from `signsFrom`: `patgate.keys.publish-ahead` (10 minutes) later, so verifiers that cache the "
                            + "JWKS (max-age 300 s) know it before they meet it. After a leak, `?immediate=true` makes it sign at once. Tokens signed "
                            + "before keep working until they expire or are revoked, and the old public key stays in the JWKS while they may.")
    @APIResponse(
            responseCode = "201",
            description = "Rotated",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            examples =
                                    @ExampleObject(
                                            name = "rotated",
                                            value =
                                                    "{\"kid\":\"Vn2Rkq3Zf0sYt3m1\",\"signsFrom\":\"2027-01-31T12:10:00Z\"}")))
    @APIResponse(responseCode = "400", description = "`immediate` is neither true nor false")
    public Uni<Response> rotate(
            @Parameter(description = "true: sign with the new key at once (after a leak)", example = "true")
                    @QueryParam("immediate")
                    String immediate) {
        boolean now;
        if (immediate == null || immediate.isBlank() || "false".equals(immediate.trim())) {
            now = false;
        } else if ("true".equals(immediate.trim())) {
            now = true;
        } else {
            throw Refusal.invalid("immediate", "must be true or false");
        }
        return rotation.rotate(Callers.of(identity), now)
                .map(rotation -> Response.status(201).entity(rotation).build());
    }
}
