package io.patgate.account.sso;

import java.util.regex.Pattern;

/**
 * Where the page goes after a single sign-on: a path of this site, never another origin. A browser reads {@code //evil},
 * {@code /\evil} and {@code \\evil} as "another host", and strips tabs and newlines before it does, so anything but a
 * plain path made of safe characters is replaced by the default: an open redirect through the sign-in is impossible.
 */
public final class ReturnPath {

    /** Where the page goes when no (acceptable) path was asked for. */
    public static final String DEFAULT = "/tokens";

    /** One slash, then a first segment that is not empty, then unreserved, sub-delims, ':', '@', '/', '%', '?' only (RFC 3986). */
    private static final Pattern SAFE = Pattern.compile("^/(?![/\\\\])[A-Za-z0-9\\-._~!$&'()*+,;=:@/%?]*$");

    private static final int MAX_LENGTH = 512;

    private ReturnPath() {}

    /** {@code requested} when it is a same-origin path, else {@link #DEFAULT}. */
    public static String of(String requested) {
        if (requested == null
                || requested.isEmpty()
                || requested.length() > MAX_LENGTH
                || !SAFE.matcher(requested).matches()) {
            return DEFAULT;
        }
        String lower = requested.toLowerCase(java.util.Locale.ROOT);
        // an encoded slash or backslash could be decoded by something downstream into "//" or "/\"; back to sign-in is
        // pointless
        if (lower.contains("%2f")
                || lower.contains("%5c")
                || lower.startsWith("/signin")
                || lower.startsWith("/auth/")) {
            return DEFAULT;
        }
        return requested;
    }
}
