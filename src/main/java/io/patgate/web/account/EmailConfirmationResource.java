package io.patgate.web.account;

import io.patgate.account.NoticeSettingsService;
import io.patgate.account.UserRequests;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.PermitAll;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/email-confirmations")
@Tag(name = "Accounts")
@Produces(MediaType.APPLICATION_JSON)
public class EmailConfirmationResource {

    private final NoticeSettingsService users;

    public EmailConfirmationResource(NoticeSettingsService users) {
        this.users = users;
    }

    @POST
    @PermitAll
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Confirm a notice address",
            description = "What the page a confirmation mail links to "
                    + "(`<patgate.notices.public-url>/confirm-email#<token>`) sends when its button is pressed. No credential: the link's "
                    + "secret, mailed to the address, is the proof. It works once, within `patgate.notices.confirmation-link-lifetime` (24 hours), "
                    + "and only while the address is still the account's. Audited (`user.email-confirmed`).")
    @RequestBody(
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            examples =
                                    @ExampleObject(
                                            name = "link",
                                            value = "{\"token\":\"q3Zf0sYt3m1Vn2RkX8pL4wQ7eA9cB6dF1gH5jK0mN2o\"}")))
    @APIResponse(
            responseCode = "200",
            description = "Confirmed: notices about the account's tokens are mailed to this address from now on",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            examples =
                                    @ExampleObject(
                                            name = "confirmed",
                                            value =
                                                    "{\"username\":\"alice\",\"email\":\"alice@example.com\",\"confirmedAt\":\"2027-01-31T12:05:00Z\"}")))
    @APIResponse(
            responseCode = "400",
            description = "Not a link's secret, or one that is unknown, used, replaced by a newer one or expired, "
                    + "or the account's address changed since it was sent",
            content =
                    @Content(
                            mediaType = "application/problem+json",
                            examples =
                                    @ExampleObject(
                                            name = "used",
                                            value =
                                                    "{\"type\":\"urn:patgate:problem:invalid\",\"title\":\"Invalid request\",\"status\":400,\"detail\":\"token: this link is "
                                                            + "unknown, used, replaced by a newer one or expired; ask for a new one on your profile (Resend confirmation)\","
                                                            + "\"errors\":[{\"field\":\"token\",\"message\":\"this link is unknown, used, replaced by a newer one or expired; "
                                                            + "ask for a new one on your profile (Resend confirmation)\"}]}")))
    public Uni<UserRequests.EmailConfirmed> confirm(@Valid @NotNull UserRequests.ConfirmEmail body) {
        return users.confirmEmail(body.token());
    }
}
