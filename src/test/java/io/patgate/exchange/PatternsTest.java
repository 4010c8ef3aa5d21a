package io.patgate.exchange;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The subject and claim patterns of a trust: exact or {@code *} globs, and how claims of each JSON type match. */
class PatternsTest {

    @Test
    void aPatternWithoutStarsIsTheExactValue() {
        assertTrue(Patterns.glob("repo:acme/api:ref:refs/heads/main", "repo:acme/api:ref:refs/heads/main"));
        assertFalse(Patterns.glob("repo:acme/api:ref:refs/heads/main", "repo:acme/api:ref:refs/heads/main2"));
        assertFalse(Patterns.glob("repo:acme/api", "Repo:acme/api"), "case-sensitive");
        assertFalse(Patterns.glob("a?c", "abc"), "? is an ordinary character");
        assertTrue(Patterns.glob("a?c", "a?c"));
        assertFalse(Patterns.glob("", "x"));
        assertTrue(Patterns.glob("", ""));
    }

    @Test
    void aStarStandsForAnyRunOfCharacters() {
        assertTrue(Patterns.glob("system:serviceaccount:ci:*", "system:serviceaccount:ci:builder"));
        assertTrue(Patterns.glob("system:serviceaccount:ci:*", "system:serviceaccount:ci:"), "none included");
        assertFalse(Patterns.glob("system:serviceaccount:ci:*", "system:serviceaccount:cid"));
        assertTrue(Patterns.glob("repo:acme/*:ref:refs/heads/main", "repo:acme/api:ref:refs/heads/main"));
        assertTrue(
                Patterns.glob("repo:acme/*:ref:refs/heads/main", "repo:acme/a/b:c:ref:refs/heads/main"),
                "slashes and colons too");
        assertFalse(Patterns.glob("repo:acme/*:ref:refs/heads/main", "repo:acme/api:ref:refs/heads/main-old"));
        assertTrue(Patterns.glob("*", ""));
        assertTrue(Patterns.glob("*a*b*", "xxaxxbxx"));
        assertFalse(Patterns.glob("*a*b*", "xxbxxaxx"));
        assertTrue(Patterns.glob("**", "anything"));
    }

    @Test
    void aHostilePatternStaysFast() {
        String value = "a".repeat(5_000);
        long started = System.nanoTime();
        assertFalse(Patterns.glob("*a*a*a*a*a*a*a*a*a*a*b", value));
        assertTrue((System.nanoTime() - started) / 1_000_000 < 1_000, "no catastrophic backtracking");
    }

    @Test
    void claimsOfEachTypeMatchAsDocumented() {
        Map<String, Object> claims = Map.of(
                "repository",
                "acme/api",
                "run_number",
                42L,
                "ratio",
                1.50,
                "protected",
                true,
                "groups",
                List.of("dev", "ops", 7L),
                "kubernetes.io",
                Map.of("namespace", "ci", "serviceaccount", Map.of("name", "builder")),
                "a/b",
                "slashed");
        assertTrue(Patterns.claimMatches(claims, "repository", "acme/*"));
        assertTrue(Patterns.claimMatches(claims, "run_number", "42"));
        assertTrue(Patterns.claimMatches(claims, "run_number", "4*"));
        assertTrue(
                Patterns.claimMatches(claims, "ratio", "1.5"),
                "a number as written in decimal, without trailing zeros");
        assertTrue(Patterns.claimMatches(claims, "protected", "true"));
        assertFalse(Patterns.claimMatches(claims, "protected", "True"));
        assertTrue(Patterns.claimMatches(claims, "groups", "ops"), "an array matches when one element does");
        assertTrue(Patterns.claimMatches(claims, "groups", "7"));
        assertFalse(Patterns.claimMatches(claims, "groups", "admin"));
        assertFalse(Patterns.claimMatches(claims, "kubernetes.io", "*"), "an object matches nothing");
        assertFalse(Patterns.claimMatches(claims, "missing", "*"), "a missing claim matches nothing, not even *");
        assertTrue(
                Patterns.claimMatches(claims, "/kubernetes.io/namespace", "ci"),
                "a JSON pointer reaches nested claims");
        assertTrue(Patterns.claimMatches(claims, "/kubernetes.io/serviceaccount/name", "builder"));
        assertFalse(Patterns.claimMatches(claims, "/kubernetes.io/nothing", "*"));
        assertTrue(Patterns.claimMatches(claims, "/groups/1", "ops"));
        assertTrue(Patterns.claimMatches(claims, "/a~1b", "slashed"), "~1 is a slash in a pointer (RFC 6901)");
        java.util.HashMap<String, Object> withNull = new java.util.HashMap<>(claims);
        withNull.put("environment", null);
        assertFalse(Patterns.claimMatches(withNull, "environment", "*"));
    }
}
