package io.patgate.config;

import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Optional;

/** The {@code patgate.http.*} settings, a group of {@link PatgateConfig}. */
public interface HttpConfig {
    /**
     * CIDRs of reverse proxies whose {@code Forwarded}/{@code X-Forwarded-For} headers are believed.
     * Default: none, so the client address is always the TCP peer and no client can spoof it.
     */
    Optional<List<String>> trustedProxies();

    /**
     * The one header the trusted proxies write the client's address into: {@code x-forwarded-for} (nginx,
     * Traefik, Envoy, HAProxy {@code option forwardfor}) or {@code forwarded} (RFC 7239). Never both: a
     * proxy passes the other one through from the client untouched, which would let the client choose.
     */
    @WithDefault("x-forwarded-for")
    ForwardedHeader forwardedHeader();

    enum ForwardedHeader {
        X_FORWARDED_FOR,
        FORWARDED
    }

    /**
     * Longest time an API request may take before it is answered 503 (a database that hangs rather
     * than refuses must not hold requests for the pool's whole connect timeout).
     */
    @WithDefault("10S")
    java.time.Duration requestTimeout();
}
