package io.patgate.account;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Password logins by outcome ({@code patgate_logins_total{outcome}}), counted where logins are decided, made at
 * start so their series exist (at zero) before the first login.
 */
@ApplicationScoped
@Startup
public class LoginMetrics {

    private final Counter succeeded;
    private final Counter failed;
    private final Counter throttled;

    public LoginMetrics(MeterRegistry registry) {
        this.succeeded = logins(registry, "succeeded");
        this.failed = logins(registry, "failed");
        this.throttled = logins(registry, "throttled");
    }

    private static Counter logins(MeterRegistry registry, String outcome) {
        return Counter.builder("patgate.logins")
                .description("Password logins, by outcome")
                .tag("outcome", outcome)
                .register(registry);
    }

    public void succeeded() {
        succeeded.increment();
    }

    /** A wrong password, or an unknown or disabled account. */
    public void failed() {
        failed.increment();
    }

    public void throttled() {
        throttled.increment();
    }
}
