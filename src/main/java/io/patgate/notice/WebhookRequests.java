package io.patgate.notice;

import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The bodies of the webhook endpoints. */
public final class WebhookRequests {

    private WebhookRequests() {
    }

    static final String EVENTS = "Any of `token.expiring`, `token.expired`, `token.revoked`, `token.used-from-new-address`, "
            + "`token.leak-reported`, `token.retired-unused`";

    @Schema(name = "CreateWebhook")
    @RegisterForReflection
    public record Create(
            @Schema(description = "http(s) URL; loopback, link-local and private addresses are refused unless "
                    + "`patgate.webhooks.allow-local-network=true`", examples = "https://hooks.example.com/patgate")
            @NotNull @Size(max = TargetGuard.MAX_URL) String url,
            @Schema(description = "Key of the HMAC-SHA256 in `X-Patgate-Signature-256` (of `X-Patgate-Timestamp`, a dot and the raw body): "
                    + "16 to 256 characters, write-only",
                    examples = "3f1c9a0e-random-and-long-enough")
            @NotNull @Size(min = 16, max = 256) String secret,
            @Schema(description = EVENTS, examples = "[\"token.expiring\", \"token.revoked\"]")
            @NotNull @Size(min = 1, max = 6) List<@NotNull String> events,
            @Schema(description = "Default true") Boolean active) {
    }

    @Schema(name = "UpdateWebhook", description = "Any of the fields; those left out are unchanged")
    @RegisterForReflection
    public record Update(
            @Size(max = TargetGuard.MAX_URL) String url,
            @Schema(description = "A new secret, 16 to 256 characters, write-only. The secret it replaces still signs deliveries beside it "
                    + "(a second `sha256=` entry) for `patgate.webhooks.secret-overlap` (24 h), so the receiver can change over; see "
                    + "`previousSecretValidUntil` and `dropPreviousSecret`", examples = "9b2e77d4-the-next-random-secret")
            @Size(min = 16, max = 256) String secret,
            @Size(min = 1, max = 6) List<@NotNull String> events,
            Boolean active,
            @Schema(description = "`true`: the replaced secret stops signing at once (with a new `secret`, or to end an overlap "
                    + "already running), for a secret that leaked or once every receiver has the new one. Default false")
            Boolean dropPreviousSecret) {
    }

    @Schema(name = "Webhook", description = "A receiver of notices (its secret is never shown)")
    @RegisterForReflection
    public record View(UUID id, String url, List<String> events, boolean active, Instant createdAt, Instant updatedAt,
                       @Schema(description = "Until when the secret replaced by the last change still signs deliveries, beside the "
                               + "current one; null when it does not (no change, the overlap is over, or it was dropped)")
                       Instant previousSecretValidUntil) {
    }

    @Schema(name = "Delivery", description = "One notice sent (or being sent) to one webhook")
    @RegisterForReflection
    public record DeliveryView(
            UUID id,
            @Schema(description = "The notice's id: `X-Patgate-Delivery`, the same on every attempt and redelivery") UUID eventId,
            String event,
            @Schema(enumeration = {"pending", "delivered", "failed"}) String state,
            int attempts,
            @Schema(description = "The receiver's HTTP status on the last attempt; null when it did not answer") Integer responseCode,
            @Schema(description = "How long the last attempt took") Integer durationMs,
            @Schema(description = "Why the last attempt failed") String error,
            Instant createdAt,
            Instant lastAttemptAt,
            @Schema(description = "When the next attempt is due (pending only)") Instant nextAttemptAt,
            Instant deliveredAt,
            @Schema(description = "For a redelivery: the delivery it repeats") UUID redeliveryOf) {
    }
}
