package io.patgate.web.audit;

import io.patgate.audit.AuditService;
import io.patgate.domain.Permissions;
import io.patgate.domain.Refusal;
import io.patgate.identity.Caller;
import io.patgate.identity.Callers;
import io.patgate.store.AuditEventRepository;
import io.patgate.web.PageParams;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/audit")
@Tag(name = "Audit")
@Authenticated
@SecurityRequirement(name = "bearer")
@SecurityRequirement(name = "basic")
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {

    private final AuditService audit;
    private final SecurityIdentity identity;

    public AuditResource(AuditService audit, SecurityIdentity identity) {
        this.audit = audit;
        this.identity = identity;
    }

    @GET
    @Operation(
            summary = "Audit events",
            description = "Newest first, paged (`X-Total-Count`). Admins see every event; anyone else "
                    + "only the events about their own account and tokens, whatever the filters say.")
    @APIResponse(
            responseCode = "200",
            description = "A page of events",
            headers = @Header(name = "X-Total-Count"),
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            examples =
                                    @ExampleObject(
                                            name = "events",
                                            value =
                                                    "[{\"id\":"
                                                            + "\"9f1c0c1e-3b1e-4f7a-9d55-0d7a4f6b2c10\",\"at\":\"2027-01-02T02:00:03Z\",\"actor\":\"alice\",\"action\":\"token.revoked\","
                                                            + "\"tokenId\":\"5d0c8f2a-1b7e-4e0c-8a0b-2f4d3c9e7a11\",\"username\":\"alice\",\"ip\":\"10.1.2.3\",\"detail\":\"reason owner\"}]")))
    @APIResponse(responseCode = "400", description = "A filter is malformed")
    @APIResponse(responseCode = "403", description = "A personal access token of a non-admin without scope `tokens`")
    public Uni<Response> list(
            @Parameter(description = "Only events about this token") @QueryParam("tokenId") String tokenId,
            @Parameter(description = "Only events about this account") @QueryParam("username") String username,
            @Parameter(description = "e.g. token.revoked, login.failed") @QueryParam("action") String action,
            @Parameter(description = "From this instant (ISO-8601)") @QueryParam("since") String since,
            @Parameter(description = "Before this instant (ISO-8601)") @QueryParam("until") String until,
            @BeanParam PageParams paging) {
        Caller caller = Callers.of(identity);
        boolean admin = identity.hasRole(Permissions.ADMIN);
        if (!admin && !caller.isSession() && !caller.scopes().contains(Permissions.TOKENS)) {
            // a narrow CI token (say, deploy only) must not read its owner's token names, networks and login addresses
            throw Refusal.forbidden(
                    "Reading the audit log needs a session or a token with scope '" + Permissions.TOKENS + "'");
        }
        AuditEventRepository.Filter filter = new AuditEventRepository.Filter(
                admin ? null : caller.userId(),
                uuid("tokenId", tokenId),
                blank(username),
                blank(action),
                instant("since", since),
                instant("until", until));
        int page = paging.page();
        int size = paging.size();
        return audit.page(filter, page, size).map(PageParams::response);
    }

    private static String blank(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static UUID uuid(String field, String value) {
        if (blank(value) == null) {
            return null;
        }
        try {
            return UUID.fromString(value.trim());
        } catch (IllegalArgumentException e) {
            throw Refusal.invalid(field, "is not a token id");
        }
    }

    private static Instant instant(String field, String value) {
        if (blank(value) == null) {
            return null;
        }
        try {
            return Instant.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw Refusal.invalid(field, "must be an ISO-8601 instant such as 2027-01-31T12:00:00Z");
        }
    }
}
