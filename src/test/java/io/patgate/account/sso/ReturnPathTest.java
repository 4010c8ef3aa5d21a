package io.patgate.account.sso;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ReturnPathTest {

    @Test
    void pathsOfThisSiteAreKept() {
        assertEquals("/tokens/new?name=ci", ReturnPath.of("/tokens/new?name=ci"));
        assertEquals("/admin/users", ReturnPath.of("/admin/users"));
    }

    @Test
    void anythingThatCouldLeaveTheSiteBecomesTheDefault() {
        for (String evil : new String[] {
            null,
            "",
            "//evil.example",
            "///evil.example",
            "https://evil.example/",
            "http:evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "/%2F%2Fevil.example",
            "/%5Cevil.example",
            "javascript:alert(1)",
            "/\t/evil.example",
            "/\n/evil.example",
            "/tokens#x",
            "evil.example",
            "/signin",
            "/auth/oidc/start",
            "/" + "a".repeat(600)
        }) {
            assertEquals("/tokens", ReturnPath.of(evil), String.valueOf(evil));
        }
    }
}
