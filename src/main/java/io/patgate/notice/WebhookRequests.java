package io.patgate.notice;

import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The bodies of the webhook endpoints. */
public final class WebhookRequests {

    private WebhookRequests() {}

    static final String EVENTS =
            "Any of `token.expiring`, `token.expired`, `token.revoked`, `token.used-from-new-address`, "
                    + "`token.leak-reported`, `token.retired-unused`";

    @Schema(name = "CreateWebhook")
    @RegisterForReflection
    public record Create(
            @Schema(
                    description = "http(s) URL; loopback, link-local and private addresses are refused unless "
                            + "`patgate.webhooks.allow-local-network=true`",
                    examples = "https://hooks.example.com/patgate")
            @NotNull
            @Size(max = TargetGuard.MAX_URL)
            String url,

            @Schema(
                    description =
                            "Key of the HMAC-SHA256 in `X-Patgate-Signature-256` (of `X-Patgate-Timestamp`, a dot and the raw body): "
                                    + "16 to 256 characters, write-only",
                    examples = "3f1c9a0e-random-and-long-enough")
            @NotNull
            @Size(min = 16, max = 256)
            String secret,

            @Schema(description = EVENTS, examples = "[\"token.expiring\", \"token.revoked\"]")
            @NotNull
            @Size(min = 1, max = 6)
            List<@NotNull String> events,

            @Schema(description = "Default true") Boolean active) {}

    @Schema(name = "UpdateWebhook", description = "Any of the fields; those left out are unchanged")
    @RegisterForReflection
    public record Update(
            @Size(max = TargetGuard.MAX_URL) String url,

            @Schema(
                    description =
                            "A new secret, 16 to 256 characters, write-only. The secret it replaces still signs deliveries beside it "
                                    + "(a second `sha256=` entry) for `patgate.webhooks.secret-overlap` (24 h), so the receiver can change over; see "
                                    + "`previousSecretValidUntil` and `dropPreviousSecret`",
                    examples = "9b2e77d4-the-next-random-secret")
            @Size(min = 16, max = 256)
            String secret,

            @Size(min = 1, max = 6) List<@NotNull String> events,
            Boolean active,

            @Schema(
                    description =
                            "`true`: the replaced secret stops signing at once (with a new `secret`, or to end an overlap "
                                    + "already running), for a secret that leaked or once every receiver has the new one. Default false")
            Boolean dropPreviousSecret) {}

    @Schema(name = "Webhook", description = "A receiver of notices (its secret is never shown)")
    @RegisterForReflection
    public record View(
            UUID id,
            String url,
            List<String> events,
            boolean active,
            Instant createdAt,
            Instant updatedAt,

            @Schema(
                    description =
                            "Until when the secret replaced by the last change still signs deliveries, beside the "
                                    + "current one; null when it does not (no change, the overlap is over, or it was dropped)")
            Instant previousSecretValidUntil,

            @Schema(
                    description = "Its circuit breaker: each webhook is sent to on its own, and one that failed "
                            + "`patgate.webhooks.breaker-failures` (5) times in a row is left alone for `patgate.webhooks.breaker-cool-down` "
                            + "(5 minutes); its deliveries wait meanwhile, none is given up for it")
            Breaker breaker) {}

    @Schema(name = "WebhookBreaker")
    @RegisterForReflection
    public record Breaker(
            @Schema(
                    enumeration = {"closed", "open", "half-open"},
                    description =
                            "`open`: its deliveries wait until `openUntil`; "
                                    + "`half-open`: the cool-down is over and the next delivery is tried alone, a success closes it")
            String state,

            @Schema(description = "Failed attempts in a row")
            int consecutiveFailures,

            @Schema(description = "While open: until when") Instant openUntil) {}

    @Schema(name = "Delivery", description = "One notice sent (or being sent) to one webhook")
    @RegisterForReflection
    public record DeliveryView(
            UUID id,

            @Schema(description = "The notice's id: `X-Patgate-Delivery`, the same on every attempt and redelivery")
            UUID eventId,

            String event,

            @Schema(enumeration = {"pending", "delivered", "failed"})
            String state,

            int attempts,

            @Schema(description = "The receiver's HTTP status on the last attempt; null when it did not answer")
            Integer responseCode,

            @Schema(description = "How long the last attempt took")
            Integer durationMs,

            @Schema(description = "Why the last attempt failed")
            String error,

            Instant createdAt,
            Instant lastAttemptAt,

            @Schema(
                    description =
                            "When the next attempt is due (pending only; not before the webhook's breaker closes)")
            Instant nextAttemptAt,

            Instant deliveredAt,

            @Schema(description = "For a redelivery: the delivery it repeats")
            UUID redeliveryOf,

            @Schema(description = "Pending and waiting for the webhook's open circuit breaker")
            boolean heldByBreaker) {}
}
