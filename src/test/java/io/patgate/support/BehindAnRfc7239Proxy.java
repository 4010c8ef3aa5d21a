package io.patgate.support;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/** The test client acts as a trusted reverse proxy that writes RFC 7239 Forwarded (and never X-Forwarded-For). */
public class BehindAnRfc7239Proxy implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("patgate.http.trusted-proxies", "127.0.0.0/8,::1/128", "patgate.http.forwarded-header", "forwarded",
                "patgate.login.allowed-failures", "10"); // the production default, as in BehindAProxy
    }
}
