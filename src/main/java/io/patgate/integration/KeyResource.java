package io.patgate.integration;

import io.patgate.domain.Permissions;
import io.patgate.identity.Callers;
import io.patgate.account.UserService;
import io.patgate.audit.AuditService;
import io.patgate.config.PatgateConfig;
import io.patgate.store.SigningKeyStore;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import io.patgate.domain.Refusal;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

import java.util.List;

/** Signing-key rotation: by an admin, and automatically every {@code patgate.keys.rotation-interval}. */
@Path("/api/v1/admin/keys")
@Tag(name = "For other services")
@RolesAllowed(Permissions.ADMIN)
@SecurityRequirement(name = "bearer")
@Produces(MediaType.APPLICATION_JSON)
public class KeyResource {

    private static final Logger LOG = Logger.getLogger(KeyResource.class);

    private final SigningKeyStore keys;
    private final AuditService audit;
    private final SecurityIdentity identity;
    private final PatgateConfig config;

    public KeyResource(SigningKeyStore keys, AuditService audit, SecurityIdentity identity, PatgateConfig config) {
        this.keys = keys;
        this.audit = audit;
        this.identity = identity;
        this.config = config;
    }

    @GET
    @Operation(summary = "Signing keys", description = "Admin only. Every key, the active one first; never private material.")
    @APIResponse(responseCode = "200", description = "The keys", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            examples = @ExampleObject(name = "keys", value = "[{\"kid\":\"q3Zf0sYt3m1Vn2Rk\",\"algorithm\":\"ES256\","
                    + "\"createdAt\":\"2027-01-01T00:00:00Z\",\"active\":true,\"signsFrom\":\"2027-01-01T00:00:00Z\",\"retiredAt\":null}]")))
    public Uni<List<SigningKeyStore.KeyInfo>> list() {
        return keys.list();
    }

    @POST
    @Path("/rotate")
    @Operation(summary = "Rotate the signing key", description = "Admin only. A new key (new `kid`) is published in the JWKS at once and "
            + "signs new tokens and sessions from `signsFrom`: `patgate.keys.publish-ahead` (10 minutes) later, so verifiers that cache the "
            + "JWKS (max-age 300 s) know it before they meet it. After a leak, `?immediate=true` makes it sign at once. Tokens signed "
            + "before keep working until they expire or are revoked, and the old public key stays in the JWKS while they may.")
    @APIResponse(responseCode = "201", description = "Rotated", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            examples = @ExampleObject(name = "rotated", value = "{\"kid\":\"Vn2Rkq3Zf0sYt3m1\",\"signsFrom\":\"2027-01-31T12:10:00Z\"}")))
    @APIResponse(responseCode = "400", description = "`immediate` is neither true nor false")
    public Uni<Response> rotate(@Parameter(description = "true: sign with the new key at once (after a leak)", example = "true")
                                @QueryParam("immediate") String immediate) {
        boolean now;
        if (immediate == null || immediate.isBlank() || "false".equals(immediate.trim())) {
            now = false;
        } else if ("true".equals(immediate.trim())) {
            now = true;
        } else {
            throw Refusal.invalid("immediate", "must be true or false");
        }
        return keys.rotate(AuditService.actor(Callers.of(identity)), null, now, audit)
                .map(rotation -> Response.status(201).entity(rotation).build());
    }

    @Scheduled(every = "1h", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> rotateWhenDue() {
        if (config.keys().rotationInterval().isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return keys.rotate(AuditService.SYSTEM, config.keys().rotationInterval().get(), audit)
                .invoke(kid -> {
                    if (kid != null) {
                        LOG.infof("Signing key rotated automatically; now signing with %s", kid);
                    }
                })
                .onFailure().invoke(e -> LOG.warnf("Automatic key rotation failed: %s", e.toString()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }
}
