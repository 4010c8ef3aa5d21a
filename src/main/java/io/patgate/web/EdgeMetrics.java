package io.patgate.web;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Counters of what happens at the door, made at start so their series exist (at zero) before the first event:
 * password logins by outcome ({@code patgate_logins_total{outcome}}) and requests refused with 429
 * ({@code patgate_throttled_requests_total}).
 */
@ApplicationScoped
@Startup
public class EdgeMetrics {

    private final Counter loginsSucceeded;
    private final Counter loginsFailed;
    private final Counter loginsThrottled;
    private final Counter throttled;

    public EdgeMetrics(MeterRegistry registry) {
        this.loginsSucceeded = logins(registry, "succeeded");
        this.loginsFailed = logins(registry, "failed");
        this.loginsThrottled = logins(registry, "throttled");
        this.throttled = Counter.builder("patgate.throttled.requests").description("Requests refused with 429 Too Many Requests")
                .register(registry);
    }

    private static Counter logins(MeterRegistry registry, String outcome) {
        return Counter.builder("patgate.logins").description("Password logins, by outcome").tag("outcome", outcome).register(registry);
    }

    public void loginSucceeded() {
        loginsSucceeded.increment();
    }

    /** A wrong password, or an unknown or disabled account. */
    public void loginFailed() {
        loginsFailed.increment();
    }

    public void loginThrottled() {
        loginsThrottled.increment();
    }

    public void throttled() {
        throttled.increment();
    }
}
