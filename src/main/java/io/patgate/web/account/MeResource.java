package io.patgate.web.account;

import io.patgate.account.NoticeSettingsService;
import io.patgate.account.PasswordChange;
import io.patgate.account.UserRequests;
import io.patgate.identity.Caller;
import io.patgate.identity.Callers;
import io.patgate.web.ClientAddress;
import io.patgate.web.SessionRequired;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/me")
@Tag(name = "Accounts")
@Authenticated
@SecurityRequirement(name = "bearer")
@SecurityRequirement(name = "basic")
@Produces(MediaType.APPLICATION_JSON)
@io.smallrye.common.annotation.NonBlocking
public class MeResource {

    private final SecurityIdentity identity;
    private final PasswordChange passwordChange;
    private final ClientAddress clientAddress;
    private final NoticeSettingsService users;

    public MeResource(
            SecurityIdentity identity,
            PasswordChange passwordChange,
            ClientAddress clientAddress,
            NoticeSettingsService users) {
        this.identity = identity;
        this.passwordChange = passwordChange;
        this.clientAddress = clientAddress;
        this.users = users;
    }

    private static final String SETTINGS_EXAMPLE =
            "{\"email\":\"alice@example.com\",\"emailNotices\":[\"expiring\",\"new-address\",\"revoked\"],"
                    + "\"emailEnabled\":true,\"emailConfirmed\":true,\"confirmationSentAt\":null}";
    private static final String UNCONFIRMED_EXAMPLE =
            "{\"email\":\"alice@example.com\",\"emailNotices\":[\"expiring\",\"revoked\"],"
                    + "\"emailEnabled\":true,\"emailConfirmed\":false,\"confirmationSentAt\":\"2027-01-31T12:00:00Z\"}";
    private static final String TOO_MANY_MAILS =
            "{\"type\":\"urn:patgate:problem:too-many-requests\",\"title\":\"Too many requests\",\"status\":429,"
                    + "\"detail\":\"At most 3 confirmation mails a day go to one address or for one account; try again in 20 hours\"}";

    @GET
    @Path("/notices")
    @Operation(
            summary = "My notice settings",
            description = "Where notices about my tokens are emailed, and which: expiry warnings "
                    + "(7 and 1 days before, and a week before an unused token is retired), a first use from a new address, and a revocation "
                    + "by someone else. `emailEnabled` says whether this server sends email at all; `emailConfirmed` whether the address "
                    + "was confirmed by the link mailed to it (only a confirmed address is mailed notices).")
    @APIResponse(
            responseCode = "200",
            description = "The settings",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            examples = {
                                @ExampleObject(name = "confirmed", value = SETTINGS_EXAMPLE),
                                @ExampleObject(name = "unconfirmed", value = UNCONFIRMED_EXAMPLE)
                            }))
    public Uni<UserRequests.NoticeSettings> noticeSettings() {
        return users.noticeSettings(Callers.of(identity));
    }

    @PATCH
    @Path("/notices")
    @SessionRequired
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Change my notice settings",
            description = "With a signed-in session only (where security notices go is "
                    + "not for a token to change). Any of `email` (empty for none) and `emailNotices`; those left out are unchanged; the "
                    + "read-only fields are ignored. A new address is unconfirmed: it is mailed one link to `/confirm-email` on "
                    + "`patgate.notices.public-url`, and gets notices only once that link is followed (`POST /api/v1/email-confirmations`). "
                    + "If the mail server refuses that mail, `confirmationSentAt` stays null: ask for another with "
                    + "`POST /api/v1/me/notices/confirmation`. Audited.")
    @RequestBody(
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            examples =
                                    @ExampleObject(
                                            name = "settings",
                                            value =
                                                    "{\"email\":\"alice@example.com\",\"emailNotices\":[\"expiring\",\"revoked\"]}")))
    @APIResponse(
            responseCode = "200",
            description = "The changed settings",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            examples = @ExampleObject(name = "new address", value = UNCONFIRMED_EXAMPLE)))
    @APIResponse(responseCode = "400", description = "Not an email address, or an unknown kind of notice")
    @APIResponse(
            responseCode = "403",
            description = "`session-required`: the credential is a personal access token",
            content =
                    @Content(
                            mediaType = "application/problem+json",
                            examples = @ExampleObject(name = "session-required", ref = SessionRequired.EXAMPLE)))
    @APIResponse(
            responseCode = "429",
            description =
                    "A new address, but the day's confirmation mails (`patgate.notices.confirmation-mails-per-day`, "
                            + "per account and per recipient) are used up; nothing changed, `Retry-After` says when to try again",
            content =
                    @Content(
                            mediaType = "application/problem+json",
                            examples = @ExampleObject(name = "limit", value = TOO_MANY_MAILS)))
    public Uni<UserRequests.NoticeSettings> changeNoticeSettings(@Valid @NotNull UserRequests.NoticeSettings body) {
        return users.changeNoticeSettings(Callers.of(identity), body);
    }

    @POST
    @Path("/notices/confirmation")
    @SessionRequired
    @Operation(
            summary = "Send my address another confirmation link",
            description = "With a signed-in session only. The older link "
                    + "stops working. Counts against the day's confirmation mails, like setting the address.")
    @APIResponse(
            responseCode = "202",
            description = "Sent (see `confirmationSentAt`; null when the mail server refused it)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            examples = @ExampleObject(name = "sent", value = UNCONFIRMED_EXAMPLE)))
    @APIResponse(
            responseCode = "403",
            description = "`session-required`: the credential is a personal access token",
            content =
                    @Content(
                            mediaType = "application/problem+json",
                            examples = @ExampleObject(name = "session-required", ref = SessionRequired.EXAMPLE)))
    @APIResponse(
            responseCode = "409",
            description = "No address is set, it is confirmed already, or this server sends no email")
    @APIResponse(
            responseCode = "429",
            description = "The day's confirmation mails are used up; `Retry-After` says when to try again",
            content =
                    @Content(
                            mediaType = "application/problem+json",
                            examples = @ExampleObject(name = "limit", value = TOO_MANY_MAILS)))
    public Uni<jakarta.ws.rs.core.Response> resendConfirmation() {
        return users.resendConfirmation(Callers.of(identity))
                .map(settings -> jakarta.ws.rs.core.Response.accepted(settings).build());
    }

    @POST
    @Path("/password")
    @SessionRequired
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Change my password",
            description = "With a signed-in session only, never a personal access token. "
                    + "Every other session of the account ends; this session and every personal access token keep working. "
                    + "Audited; a wrong current password counts against the login throttle.")
    @RequestBody(
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            examples =
                                    @ExampleObject(
                                            name = "change",
                                            value =
                                                    "{\"currentPassword\":\"correct horse battery staple\",\"newPassword\":\"a much longer passphrase than before\"}")))
    @APIResponse(responseCode = "204", description = "Changed")
    @APIResponse(
            responseCode = "400",
            description = "The new password breaks the policy (too short, or the same as the current one)",
            content =
                    @Content(
                            mediaType = "application/problem+json",
                            examples =
                                    @ExampleObject(
                                            name = "too short",
                                            value =
                                                    "{\"type\":\"urn:patgate:problem:invalid\",\"title\":\"Invalid request\",\"status\":400,"
                                                            + "\"detail\":\"newPassword: must be at least 8 characters\","
                                                            + "\"errors\":[{\"field\":\"newPassword\",\"message\":\"must be at least 8 characters\"}]}")))
    @APIResponse(
            responseCode = "403",
            description = "The current password is wrong (`forbidden`), or the credential is a personal access "
                    + "token (`session-required`)",
            content =
                    @Content(
                            mediaType = "application/problem+json",
                            examples = @ExampleObject(name = "session-required", ref = SessionRequired.EXAMPLE)))
    @APIResponse(responseCode = "429", description = "Too many wrong passwords; `Retry-After` says how long to wait")
    @APIResponse(
            responseCode = "503",
            description =
                    "Too many passwords are being checked at once (`patgate.password.max-concurrent`); `Retry-After` says when to try again")
    public Uni<Void> changePassword(
            @Valid @NotNull UserRequests.ChangePassword body, @Context HttpServerRequest request) {
        return passwordChange.changeOwn(Callers.of(identity), body, clientAddress.of(request));
    }

    @GET
    @Operation(
            summary = "Who am I",
            description = "The account behind the credential of this request, and how it authenticated. "
                    + "Answered from memory: no database access.")
    @APIResponse(
            responseCode = "200",
            description = "The caller",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            examples = {
                                @ExampleObject(
                                        name = "session",
                                        value =
                                                "{\"id\":\"0b9c2f6e-8d1a-4c61-9a43-6f1f0d7f4a10\",\"username\":\"alice\",\"roles\":[\"deploy\"],\"authMethod\":\"session\"}"),
                                @ExampleObject(
                                        name = "pat",
                                        value =
                                                "{\"id\":\"0b9c2f6e-8d1a-4c61-9a43-6f1f0d7f4a10\",\"username\":\"alice\",\"roles\":[\"deploy\"],\"authMethod\":\"pat\","
                                                        + "\"tokenId\":\"5d0c8f2a-1b7e-4e0c-8a0b-2f4d3c9e7a11\",\"scopes\":[\"deploy\"],\"grantedScopes\":[\"deploy\",\"devices:write\"]}")
                            }))
    @APIResponse(responseCode = "401", description = "No credential, or one that is not valid now")
    public UserRequests.Me me() {
        Caller caller = Callers.of(identity);
        List<String> roles = caller.roles().stream().sorted().toList();
        return caller.isSession()
                ? new UserRequests.Me(
                        caller.userId(),
                        caller.username(),
                        roles,
                        caller.method().wire(),
                        null,
                        null,
                        null)
                : new UserRequests.Me(
                        caller.userId(),
                        caller.username(),
                        roles,
                        caller.method().wire(),
                        caller.credentialId(),
                        caller.effectiveScopes(),
                        caller.scopes().stream().sorted().toList());
    }
}
