package io.patgate.domain;

import java.util.Arrays;

/**
 * Why a token was revoked, as the API writes it ({@code revokedReason}) and notices carry it. A security reason is one
 * where someone other than the owner ended the token: its notice is a security notice, sent first.
 */
public enum RevokeReason {
    OWNER("owner", "by its owner", false),
    ADMIN("admin", "by an admin", true),
    LEAK_REPORT("leak-report", "after a leak report", true),
    USER_DISABLED("user-disabled", "owner disabled", true),
    USER_DELETED("user-deleted", "owner deleted", true),
    UNUSED("unused", "unused too long, retired", false);

    private final String wire;
    private final String description;
    private final boolean security;

    RevokeReason(String wire, String description, boolean security) {
        this.wire = wire;
        this.description = description;
        this.security = security;
    }

    /** The name the API, the database and notices use. */
    public String wire() {
        return wire;
    }

    /** What it means, as the web page shows it beside a revoked token. */
    public String description() {
        return description;
    }

    /** Whether someone other than the owner ended the token (its notice is a security notice). */
    public boolean security() {
        return security;
    }

    /** The reason a stored {@code revoked_reason} names. */
    public static RevokeReason of(String wire) {
        return Arrays.stream(values())
                .filter(r -> r.wire.equals(wire))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no revocation reason '" + wire + "'"));
    }
}
