package io.patgate.web;

import io.patgate.config.PatgateConfig;
import io.patgate.config.TokensConfig;
import io.patgate.domain.AuditAction;
import io.patgate.domain.EmailNotice;
import io.patgate.domain.NoticeEvent;
import io.patgate.domain.RevokeReason;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.security.Authenticated;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Arrays;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The limits this deployment enforces, so a client (the web UI first) can offer only what will be
 * accepted: the expiry choices, whether "no expiration" exists, the password length; and the vocabularies it
 * speaks (revocation reasons, notice events, email notices, audit actions), so no client keeps a copy of them. The
 * API enforces them regardless; this only describes them.
 */
@Path("/api/v1/policy")
@Tag(name = "Accounts")
@Authenticated
@SecurityRequirement(name = "bearer")
@SecurityRequirement(name = "basic")
@Produces(MediaType.APPLICATION_JSON)
@io.smallrye.common.annotation.NonBlocking
public class PolicyResource {

    private final Policy policy;

    public PolicyResource(PatgateConfig config) {
        TokensConfig tokens = config.tokens();
        this.policy = new Policy(
                new TokenPolicy(
                        1,
                        tokens.defaultLifetime().toDays(),
                        tokens.maxLifetime().toDays(),
                        tokens.allowNonExpiring(),
                        tokens.maxPerUser()),
                new PasswordPolicy(config.password().minLength()),
                config.session().lifetime().toSeconds(),
                Vocabularies.INSTANCE);
    }

    @GET
    @Operation(
            summary = "This deployment's limits",
            description = "Token lifetimes, whether tokens may never expire, the active-token quota, "
                    + "the shortest password, the session lifetime, and the vocabularies: revocation reasons, webhook events, email notices and "
                    + "audit actions, each with what it means. Any credential may read it.")
    @APIResponse(
            responseCode = "200",
            description = "The limits",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            examples =
                                    @ExampleObject(
                                            name = "defaults",
                                            value = "{\"tokens\":{\"minLifetimeDays\":1,\"defaultLifetimeDays\":30,"
                                                    + "\"maxLifetimeDays\":365,\"allowNonExpiring\":false,\"maxPerUser\":50},\"password\":{\"minLength\":8},"
                                                    + "\"sessionLifetimeSeconds\":28800,\"vocabularies\":{\"revokeReasons\":[{\"value\":\"owner\",\"description\":\"by its owner\"},"
                                                    + "{\"value\":\"admin\",\"description\":\"by an admin\"}],\"noticeEvents\":[{\"value\":\"token.revoked\","
                                                    + "\"description\":\"When a token is revoked, with the reason and by whom.\"}],\"emailNotices\":[{\"value\":\"revoked\","
                                                    + "\"label\":\"A token is revoked by someone else\",\"hint\":\"By an administrator, after a leak report, or retired unused.\"}],"
                                                    + "\"auditActions\":[\"login.succeeded\",\"token.revoked\"]}}")))
    @APIResponse(responseCode = "401", description = "No credential, or one that is not valid now")
    public Policy policy() {
        return policy;
    }

    @Schema(name = "Policy")
    @RegisterForReflection
    public record Policy(
            TokenPolicy tokens, PasswordPolicy password, long sessionLifetimeSeconds, Vocabularies vocabularies) {}

    /** A word of a vocabulary and what it means. */
    @Schema(name = "Term")
    @RegisterForReflection
    public record Term(String value, String description) {}

    /** An email notice an owner may choose: its value, a label and a hint. */
    @Schema(name = "EmailNoticeKind")
    @RegisterForReflection
    public record EmailNoticeKind(String value, String label, String hint) {}

    /**
     * The words the API uses, from the types that define them, so a client offers exactly these: why a token was
     * revoked ({@code revokedReason}), the events a webhook takes, the notices an owner may have emailed, and the
     * audit log's actions (the {@code action} filter).
     */
    @Schema(name = "Vocabularies")
    @RegisterForReflection
    public record Vocabularies(
            List<Term> revokeReasons,
            List<Term> noticeEvents,
            List<EmailNoticeKind> emailNotices,
            List<String> auditActions) {

        static final Vocabularies INSTANCE = new Vocabularies(
                Arrays.stream(RevokeReason.values())
                        .map(r -> new Term(r.wire(), r.description()))
                        .toList(),
                Arrays.stream(NoticeEvent.values())
                        .map(e -> new Term(e.wire(), e.description()))
                        .toList(),
                Arrays.stream(EmailNotice.values())
                        .map(k -> new EmailNoticeKind(k.wire(), k.label(), k.hint()))
                        .toList(),
                Arrays.stream(AuditAction.values()).map(AuditAction::wire).toList());
    }

    @Schema(name = "TokenPolicy")
    @RegisterForReflection
    public record TokenPolicy(
            long minLifetimeDays,
            long defaultLifetimeDays,
            long maxLifetimeDays,
            boolean allowNonExpiring,
            int maxPerUser) {}

    @Schema(name = "PasswordPolicy")
    @RegisterForReflection
    public record PasswordPolicy(int minLength) {}
}
