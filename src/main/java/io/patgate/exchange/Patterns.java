package io.patgate.exchange;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * How a trust's {@code subject} and {@code claims} patterns judge a subject token's claims, as Vault's JWT roles
 * ({@code bound_subject}, {@code bound_claims} with globs) do:
 * <ul>
 * <li>A pattern is the exact value, or has {@code *} wildcards, each standing for any run of characters, none
 *     included ({@code repo:acme/api:ref:refs/heads/*}, {@code system:serviceaccount:ci:*}). Nothing else is special;
 *     matching is case-sensitive and whole-value.</li>
 * <li>A claim is named as it stands at the top of the claims ({@code repository}), or by an RFC 6901 JSON pointer
 *     when the name starts with {@code /}, for nested claims ({@code /kubernetes.io/namespace}).</li>
 * <li>A string claim is matched as it is; a number as written in decimal ({@code 42}, {@code 1.5}); a boolean as
 *     {@code true} or {@code false}; an array matches when any of its elements (strings, numbers, booleans) does.
 *     An object, {@code null} or a missing claim matches nothing, not even {@code *}.</li>
 * </ul>
 * The matcher never builds a regular expression from a pattern and takes at most (pattern length × value length)
 * steps, so no pattern can make matching slow (no ReDoS).
 */
public final class Patterns {

    private Patterns() {}

    /** Whether {@code value} matches {@code pattern} (exact, or with {@code *} for any run of characters). */
    public static boolean glob(String pattern, String value) {
        int p = 0;
        int v = 0;
        int star = -1;
        int resume = 0;
        while (v < value.length()) {
            if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                resume = v;
            } else if (p < pattern.length() && pattern.charAt(p) == value.charAt(v)) {
                p++;
                v++;
            } else if (star >= 0) {
                p = star + 1;
                v = ++resume;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }

    /** Whether the claim {@code name} of {@code claims} matches {@code pattern} (see the class comment). */
    public static boolean claimMatches(Map<String, Object> claims, String name, String pattern) {
        Object value = claim(claims, name);
        if (value instanceof List<?> list) {
            for (Object element : list) {
                String text = scalar(element);
                if (text != null && glob(pattern, text)) {
                    return true;
                }
            }
            return false;
        }
        String text = scalar(value);
        return text != null && glob(pattern, text);
    }

    /** The claim by top-level name, or by JSON pointer when the name starts with {@code /}; null when absent. */
    static Object claim(Map<String, Object> claims, String name) {
        if (!name.startsWith("/")) {
            return claims.get(name);
        }
        Object at = claims;
        for (String token : name.substring(1).split("/", -1)) {
            String key = token.replace("~1", "/").replace("~0", "~");
            if (at instanceof Map<?, ?> map) {
                at = map.get(key);
            } else if (at instanceof List<?> list
                    && key.matches("0|[1-9][0-9]{0,8}")
                    && Integer.parseInt(key) < list.size()) {
                at = list.get(Integer.parseInt(key));
            } else {
                return null;
            }
        }
        return at;
    }

    /** A string, number or boolean as the text a pattern is matched against; null for anything else. */
    private static String scalar(Object value) {
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof Boolean b) {
            return b.toString();
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return value.toString();
        }
        if (value instanceof Number n) {
            try {
                return new BigDecimal(n.toString()).stripTrailingZeros().toPlainString();
            } catch (NumberFormatException e) {
                return null; // NaN, infinities: not JSON numbers
            }
        }
        return null;
    }
}
