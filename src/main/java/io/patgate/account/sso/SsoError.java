package io.patgate.account.sso;

/**
 * Why a single sign-on did not end in a session. The callback sends the page to {@code /signin#sso-error=<code>}
 * (a fragment: no log keeps it), and the page says in words what happened and what to do; the audit log keeps the detail.
 */
public enum SsoError {
    /** Single sign-on is not configured on this deployment. */
    NOT_CONFIGURED("not-configured"),
    /** The provider could not be reached (discovery, token endpoint or keys). */
    UNAVAILABLE("unavailable"),
    /** The provider answered with an error (the person cancelled, or the provider refused the client). */
    PROVIDER("provider"),
    /** The state is unknown, expired, already used, or was started in another browser. */
    STATE("state"),
    /** The code could not be redeemed, or the ID token failed a check (signature, iss, aud, exp, nonce). */
    TOKEN("token"),
    /** The ID token has no usable username in the configured claim. */
    USERNAME("username"),
    /** A local (password) account has that username: it is never taken over. */
    LOCAL_ACCOUNT("local-account"),
    /** The username belongs to a service account or to another identity of the provider. */
    NAME_TAKEN("name-taken"),
    /** The account is disabled. */
    DISABLED("disabled"),
    /** The account this identity was linked to was deleted by an admin. */
    DELETED("deleted");

    private final String code;

    SsoError(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
