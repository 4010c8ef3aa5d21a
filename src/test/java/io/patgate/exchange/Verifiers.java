package io.patgate.exchange;

import io.patgate.config.PatgateConfig;
import io.patgate.notice.TargetGuard;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The exchange's verification as production wires it, without Quarkus: the real {@link PatgateConfig} (its defaults,
 * with the test's overrides), the webhooks' {@link TargetGuard}, a {@link DocumentFetcher} on a real Vert.x, and a
 * clock the test moves. Close it to stop Vert.x.
 */
final class Verifiers implements AutoCloseable {

    final Vertx vertx = Vertx.vertx();
    final TestClock clock = new TestClock();
    final PatgateConfig config;
    final IssuerKeys issuerKeys;
    final SubjectTokenVerifier verifier;

    Verifiers(Map<String, String> overrides) {
        Map<String, String> settings = new HashMap<>();
        settings.put("patgate.oidc.allow-insecure", "true"); // the test issuers are plain http on this machine
        settings.putAll(overrides);
        SmallRyeConfig smallRye = new SmallRyeConfigBuilder()
                .withMapping(PatgateConfig.class)
                .withConverter(
                        Duration.class,
                        200,
                        new io.quarkus.runtime.configuration.DurationConverter()) // "5S", as Quarkus reads it
                .withSources(new PropertiesConfigSource(settings, "test", 500))
                .build();
        this.config = smallRye.getConfigMapping(PatgateConfig.class);
        DocumentFetcher fetcher = new DocumentFetcher(vertx, new TargetGuard(vertx, config), config);
        this.issuerKeys = new IssuerKeys(fetcher, config, clock);
        this.verifier = new SubjectTokenVerifier(issuerKeys, config, clock);
    }

    Verifiers() {
        this(Map.of());
    }

    /** The verdict on {@code token} given these trusts (the source answers those of the asked issuer). */
    Verdict verify(String token, Trust... trusts) {
        List<Trust> all = List.of(trusts);
        TrustSource source = issuer -> Uni.createFrom()
                .item(all.stream().filter(t -> t.issuer().equals(issuer)).toList());
        return verifier.verify(token, source).await().atMost(Duration.ofSeconds(20));
    }

    @Override
    public void close() {
        vertx.closeAndAwait();
    }
}
