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

    private Permissions() {
    }
}
