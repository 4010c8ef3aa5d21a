package io.patgate.domain;

/**
 * The patterns of trust entries: a literal string, in which {@code *} stands for any run of characters (none
 * included). Nothing else is special, so a subject such as {@code repo:acme/app:ref:refs/heads/main} is written as
 * it is. Matching is exact and case-sensitive, like the claims it compares (Vault's {@code bound_claims} globs).
 */
public final class Glob {

    public static final char ANY = '*';

    private Glob() {}

    /** Whether {@code value} matches {@code pattern}. Linear in practice: the greedy walk backtracks to the last star only. */
    public static boolean matches(String pattern, String value) {
        if (pattern == null || value == null) {
            return false;
        }
        int p = 0;
        int v = 0;
        int star = -1;
        int resume = 0;
        while (v < value.length()) {
            if (p < pattern.length() && pattern.charAt(p) != ANY && pattern.charAt(p) == value.charAt(v)) {
                p++;
                v++;
            } else if (p < pattern.length() && pattern.charAt(p) == ANY) {
                star = p++;
                resume = v;
            } else if (star >= 0) {
                p = star + 1;
                v = ++resume;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == ANY) {
            p++;
        }
        return p == pattern.length();
    }

    /** Whether the pattern binds anything: it holds at least one character that is not {@code *}. */
    public static boolean binds(String pattern) {
        return pattern != null && pattern.chars().anyMatch(c -> c != ANY);
    }
}
