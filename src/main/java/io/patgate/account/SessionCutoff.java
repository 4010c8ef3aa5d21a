package io.patgate.account;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * When every session open until now ends: a {@code sessionsNotBefore} that refuses each session issued so far. JWT
 * {@code iat} has whole seconds, so the cut-off is the next whole second; but a session issued after an earlier
 * cut-off that still lies ahead was stamped with that cut-off itself (see {@code AuthService.issue}), so a new
 * cut-off must then lie a second past the earlier one, or that session would survive it.
 */
public final class SessionCutoff {

    private SessionCutoff() {}

    /** The cut-off that ends every session issued until {@code now}, given the account's current one (null for none). */
    public static Instant after(Instant current, Instant now) {
        Instant next = now.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        return current != null && !current.isBefore(next)
                ? current.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1)
                : next;
    }
}
