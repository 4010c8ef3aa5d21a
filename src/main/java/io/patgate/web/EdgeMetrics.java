package io.patgate.web;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Counters of what happens at the door, made at start so their series exist (at zero) before the first event:
 * requests refused with 429 ({@code patgate_throttled_requests_total}). Logins are counted where they are decided
 * ({@link io.patgate.account.LoginMetrics}).
 */
@ApplicationScoped
@Startup
public class EdgeMetrics {

    private final Counter throttled;

    public EdgeMetrics(MeterRegistry registry) {
        this.throttled = Counter.builder("patgate.throttled.requests")
                .description("Requests refused with 429 Too Many Requests")
                .register(registry);
    }

    public void throttled() {
        throttled.increment();
    }
}
