package io.patgate.integration;

import io.patgate.config.OauthConfig;
import io.patgate.config.PatgateConfig;
import io.patgate.domain.Refusal;
import io.patgate.domain.Throttle;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;

/**
 * Limits RFC 7009 revocation reports per client address ({@code patgate.oauth.*}): enough for any honest
 * reporter, too few for an oracle that probes which values are live, or a flood. Per replica, in memory.
 */
@ApplicationScoped
public class RevocationReports {

    private final Throttle throttle;

    public RevocationReports(PatgateConfig config) {
        OauthConfig oauth = config.oauth();
        this.throttle =
                new Throttle(oauth.reportsAllowed(), oauth.reportWindow(), oauth.maxReportLock(), Clock.systemUTC());
    }

    /** Counts a report from {@code address}, or refuses it (429) while the address is over its allowance. */
    public void admit(String address) {
        String key = Throttle.addressKey(address);
        long wait = throttle.retryAfter(key);
        if (wait > 0) {
            throw Refusal.throttled(
                    wait, "Too many revocation requests from this address; try again in " + wait + " s");
        }
        throttle.count(key);
    }
}
