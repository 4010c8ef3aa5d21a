package io.patgate.domain;

/**
 * The names of roles and scopes that patgate itself gives a meaning to. Every other role is the
 * operator's: patgate stores it, grants it as a token scope and reports it, and the APIs behind the
 * ingress decide what it allows.
 */
public final class Permissions {

    /** The role (and, on a token, the scope) that manages users, every token, keys and the audit log. */
    public static final String ADMIN = "admin";

    /**
     * The scope that lets a personal access token manage tokens (its owner's, and with {@link #ADMIN} all).
     * Never a role: a session may always manage its own tokens.
     */
    public static final String TOKENS = "tokens";

    /** The role of a gateway that may ask {@code POST /oauth/introspect} about other credentials (admins may too). */
    public static final String INTROSPECT = "introspect";

    /**
     * The role (and scope) of an identity provider's SCIM client: it may create, change, disable and delete the accounts
     * SCIM provisioned (and those made by single sign-on) through {@code /scim/v2}, with a token, not a session.
     */
    public static final String SCIM = "scim";

    /**
     * The roles patgate itself gives a meaning to. Provisioning (SCIM) may keep or take them away, never grant them: only an
     * admin's session grants them, so a leaked provisioning token cannot make an admin.
     */
    public static final java.util.Set<String> HONOURED = java.util.Set.of(ADMIN, INTROSPECT, SCIM);

    private Permissions() {}
}
