package io.patgate.account;

import io.patgate.config.LoginConfig;
import io.patgate.config.PatgateConfig;
import io.patgate.domain.Refusal;
import io.patgate.domain.Throttle;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.Locale;

/**
 * Limits password guessing ({@code patgate.login.*}). Ten failed logins within 15 minutes, per username and
 * per client address, are allowed; after that each further attempt waits 1, 2, 4... seconds (429 with
 * Retry-After). A username is never locked for more than a minute at a time, so failing on purpose cannot
 * lock a real user out for long; an address is locked for up to 15 minutes. Every attempt is counted before the
 * (slow) password check, so a burst of parallel guesses cannot slip past the limit; a successful login
 * takes its own attempt back and clears the username's count, not the address's. An IPv6 client counts by
 * its /64. Counted per replica.
 */
@ApplicationScoped
public class LoginThrottle {

    private final Throttle byUser;
    private final Throttle byAddress;

    public LoginThrottle(PatgateConfig config) {
        LoginConfig login = config.login();
        this.byUser = new Throttle(
                login.allowedFailures(), login.window(), login.maxUserLock(), Clock.systemUTC(), login.maxTracked());
        this.byAddress = new Throttle(
                login.allowedFailures(), login.window(), login.maxAddressLock(), Clock.systemUTC(), login.maxTracked());
    }

    public void check(String username, String address) {
        long wait = Math.max(byUser.retryAfter(key(username)), byAddress.retryAfter(Throttle.addressKey(address)));
        if (wait > 0) {
            throw Refusal.throttled(wait, "Too many failed logins; try again in " + wait + " s");
        }
    }

    /** Counts an attempt, before its password is checked. */
    public void attempt(String username, String address) {
        byUser.count(key(username));
        byAddress.count(Throttle.addressKey(address));
    }

    /** Takes back an attempt whose password was never checked (the server was too busy to). */
    public void notAttempted(String username, String address) {
        byUser.uncount(key(username));
        byAddress.uncount(Throttle.addressKey(address));
    }

    public void succeeded(String username, String address) {
        byUser.reset(key(username));
        byAddress.uncount(Throttle.addressKey(address));
    }

    private static String key(String username) {
        return username.toLowerCase(Locale.ROOT);
    }
}
