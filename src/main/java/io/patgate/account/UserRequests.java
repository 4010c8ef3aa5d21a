package io.patgate.account;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The bodies of the account endpoints. */
public final class UserRequests {

    static final String EMAIL = "^[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]+$";
    static final String EMAIL_MESSAGE = "must be an email address (or empty for none)";
    static final String USERNAME = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$";
    static final String ROLE = "^[A-Za-z0-9][A-Za-z0-9:._-]{0,63}$";
    static final String USERNAME_MESSAGE = "1-64 letters, digits, '.', '_' or '-', starting with a letter or digit";
    static final String ROLE_MESSAGE = "1-64 letters, digits, ':', '.', '_' or '-', starting with a letter or digit";

    private UserRequests() {}

    @Schema(name = "CreateUser")
    @RegisterForReflection
    public record CreateUser(
            @Schema(examples = "ci-bot") @NotBlank @Pattern(regexp = USERNAME, message = USERNAME_MESSAGE)
            String username,

            @Schema(examples = "correct horse battery staple") @NotNull @Size(max = 1024)
            String password,

            @Schema(examples = "[\"deploy\", \"devices:read\"]") @Size(max = 50)
            List<@NotNull @Pattern(regexp = ROLE, message = ROLE_MESSAGE) String> roles) {}

    @Schema(name = "UpdateUser", description = "Any of the fields; those left out are unchanged")
    @RegisterForReflection
    public record UpdateUser(
            @Size(max = 50) List<@NotNull @Pattern(regexp = ROLE, message = ROLE_MESSAGE) String> roles,
            Boolean disabled,
            @Size(max = 1024) String password,

            @Schema(
                    description = "Where the user's notices are emailed; empty for none",
                    examples = "ci-team@example.com")
            @Size(max = 254)
            @Pattern(regexp = "^$|" + EMAIL, message = EMAIL_MESSAGE)
            String email) {}

    @Schema(name = "User")
    @RegisterForReflection
    public record UserView(
            UUID id,
            String username,
            List<String> roles,
            boolean disabled,
            Instant createdAt,

            @Schema(description = "Where the user's notices are emailed once confirmed; null for none")
            String email,

            @Schema(description = "Whether `email` was confirmed by the link mailed to it (only then is it mailed)")
            boolean emailConfirmed,

            @Schema(
                    description =
                            "Where the account comes from: `local` (made in patgate, signs in with a password), `sso` "
                                    + "(made by its first sign-in through the organisation's OpenID provider) or `scim` (provisioned by the "
                                    + "identity provider's SCIM client, see /scim/v2/Users)",
                    enumeration = {"local", "sso", "scim"},
                    examples = "local")
            String origin) {}

    @Schema(name = "NoticeSettings", description = "Which notices about my tokens reach me by email, and where")
    @RegisterForReflection
    public record NoticeSettings(
            @Schema(description = "null or empty: no email", examples = "alice@example.com")
            @Size(max = 254)
            @Pattern(regexp = "^$|" + EMAIL, message = EMAIL_MESSAGE)
            String email,

            @Schema(
                    description =
                            "Any of `expiring` (7 and 1 days before expiry, and before an unused token is retired), `new-address` "
                                    + "(first use from a new network) and `revoked` (by someone else: an admin, a leak report, retirement)",
                    examples = "[\"expiring\", \"new-address\", \"revoked\"]")
            @Size(max = 3)
            List<@NotNull String> emailNotices,

            @Schema(
                    description =
                            "Read-only: whether this server sends email at all (an SMTP server, `patgate.notices.email-from` "
                                    + "and `patgate.notices.public-url` are set)",
                    readOnly = true)
            Boolean emailEnabled,

            @Schema(
                    description =
                            "Read-only: whether `email` was confirmed by the link mailed to it. Notices are mailed only to a "
                                    + "confirmed address; setting another address makes it unconfirmed again",
                    readOnly = true)
            Boolean emailConfirmed,

            @Schema(
                    description =
                            "Read-only: when the last confirmation link for `email` was mailed; null when none went out "
                                    + "(no mail set up, or the mail server refused it: ask for another)",
                    readOnly = true)
            Instant confirmationSentAt) {}

    @Schema(
            name = "EmailConfirmation",
            description = "The secret of a confirmation link: what follows `#` in the link mailed to the address")
    @RegisterForReflection
    public record ConfirmEmail(
            @Schema(examples = "q3Zf0sYt3m1Vn2RkX8pL4wQ7eA9cB6dF1gH5jK0mN2o")
            @NotNull
            @Pattern(regexp = "^[A-Za-z0-9_-]{43}$", message = "must be the 43 characters after '#' in the link")
            String token) {}

    @Schema(name = "EmailConfirmed", description = "The address a link confirmed, and whose it is")
    @RegisterForReflection
    public record EmailConfirmed(String username, String email, Instant confirmedAt) {}

    @Schema(name = "Login")
    @RegisterForReflection
    public record Login(
            @Schema(examples = "admin") @NotBlank @Size(max = 64)
            String username,

            @Schema(examples = "correct horse battery staple") @NotNull @Size(max = 1024)
            String password) {}

    @Schema(name = "ChangePassword")
    @RegisterForReflection
    public record ChangePassword(
            @Schema(examples = "correct horse battery staple") @NotNull @Size(max = 1024)
            String currentPassword,

            @Schema(examples = "a much longer passphrase than before") @NotNull @Size(max = 1024)
            String newPassword) {}

    @Schema(name = "SessionsEnded")
    @RegisterForReflection
    public record SessionsEnded(
            @Schema(description = "Accounts whose sessions ended")
            int accounts,

            @Schema(description = "Sessions issued before this instant no longer work")
            Instant sessionsNotBefore) {}

    @Schema(name = "Session")
    @RegisterForReflection
    public record Session(
            @Schema(description = "The session JWT: send it as `Authorization: Bearer <token>`")
            String token,

            Instant expiresAt) {}

    @Schema(name = "Me")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @RegisterForReflection
    public record Me(
            UUID id,
            String username,
            List<String> roles,
            @Schema(enumeration = {"session", "pat"}) String authMethod,
            UUID tokenId,

            @Schema(
                    description =
                            "For a personal access token: what it may do now, its granted scopes that its owner still "
                                    + "holds as roles (plus `tokens`)")
            List<String> scopes,

            @Schema(
                    description =
                            "For a personal access token: the scopes it was granted, some of which its owner may no "
                                    + "longer hold")
            List<String> grantedScopes) {}
}
