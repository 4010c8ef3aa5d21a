package io.patgate.exchange;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;
import java.util.EnumMap;
import java.util.Map;

/**
 * {@code patgate_exchanges_total{outcome}}: every RFC 8693 exchange, counted once by how it ended
 * ({@link ExchangeOutcome#label()}). The series exist from the start, at zero, so a rate of refusals can be alerted on
 * before the first one. Labels come from that fixed set only: never an issuer, a subject or an account.
 */
@Singleton
@io.quarkus.runtime.Startup
public class ExchangeMetrics {

    private final Map<ExchangeOutcome, Counter> counters = new EnumMap<>(ExchangeOutcome.class);

    public ExchangeMetrics(MeterRegistry registry) {
        for (ExchangeOutcome outcome : ExchangeOutcome.values()) {
            counters.put(
                    outcome,
                    Counter.builder("patgate.exchanges")
                            .description("RFC 8693 token exchanges at /oauth/token, by outcome")
                            .tag("outcome", outcome.label())
                            .register(registry));
        }
    }

    public void count(ExchangeOutcome outcome) {
        counters.get(outcome).increment();
    }
}
