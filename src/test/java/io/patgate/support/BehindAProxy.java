package io.patgate.support;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * The test client acts as a trusted reverse proxy, so a test can choose its client address with X-Forwarded-For. The
 * login limits are the production defaults here (10 failures), where the tests of the limits run, each from addresses
 * of its own. Workload identity providers may be plain http (the test's provider is, on this machine): the tests of
 * token exchange run here too, one start of the application for all of them (a profile of its own costs a restart).
 */
public class BehindAProxy implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "patgate.http.trusted-proxies",
                "127.0.0.0/8,::1/128",
                "patgate.tokens.usage-flush-interval",
                "1S",
                "patgate.login.allowed-failures",
                "10",
                "patgate.oidc.allow-insecure",
                "true");
    }
}
