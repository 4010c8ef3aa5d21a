package io.patgate.domain;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The trust patterns: exact, or with * for any run of characters; nothing else is special. */
class GlobTest {

    @Test
    void aPatternWithoutAStarIsExact() {
        assertTrue(Glob.matches("repo:acme/app:ref:refs/heads/main", "repo:acme/app:ref:refs/heads/main"));
        assertFalse(Glob.matches("repo:acme/app:ref:refs/heads/main", "repo:acme/app:ref:refs/heads/main2"));
        assertFalse(Glob.matches("acme/app", "ACME/app"), "case counts");
        assertFalse(Glob.matches("a.c", "abc"), "a dot is a dot");
        assertFalse(Glob.matches("a?c", "abc"), "a question mark is a question mark");
        assertFalse(Glob.matches("[ab]", "a"), "brackets are brackets");
        assertTrue(Glob.matches("[ab]", "[ab]"));
    }

    @Test
    void aStarStandsForAnyRunIncludingNone() {
        assertTrue(Glob.matches("repo:acme/*:ref:refs/heads/main", "repo:acme/app:ref:refs/heads/main"));
        assertTrue(Glob.matches("repo:acme/*:ref:refs/heads/main", "repo:acme/:ref:refs/heads/main"));
        assertFalse(Glob.matches("repo:acme/*:ref:refs/heads/main", "repo:evil/app:ref:refs/heads/main"));
        assertTrue(Glob.matches("system:serviceaccount:jobs:*", "system:serviceaccount:jobs:nightly"));
        assertFalse(Glob.matches("system:serviceaccount:jobs:*", "system:serviceaccount:jobs2:nightly"));
        assertTrue(Glob.matches("*-prod", "eu-prod"));
        assertFalse(Glob.matches("*-prod", "eu-prod-2"));
        assertTrue(Glob.matches("a*b*c", "aXXbYYbZc"));
        assertFalse(Glob.matches("a*b*c", "aXXbYYbZ"));
        assertTrue(Glob.matches("*", ""));
        assertTrue(Glob.matches("**", "anything"));
        assertFalse(Glob.matches("", "x"));
        assertFalse(Glob.matches("x", null));
    }

    @Test
    void aLongHostileValueIsJudgedQuickly() {
        String value = "a".repeat(100_000);
        long started = System.nanoTime();
        assertFalse(Glob.matches("*a*a*a*a*a*a*a*a*b", value));
        assertTrue((System.nanoTime() - started) < 2_000_000_000L, "no exponential backtracking");
    }

    @Test
    void onlyAPatternWithSomethingBesidesStarsBindsAnything() {
        assertTrue(Glob.binds("main"));
        assertTrue(Glob.binds("*main*"));
        assertFalse(Glob.binds("*"));
        assertFalse(Glob.binds("***"));
        assertFalse(Glob.binds(""));
        assertFalse(Glob.binds(null));
    }
}
