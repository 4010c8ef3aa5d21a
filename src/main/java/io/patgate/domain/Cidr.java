package io.patgate.domain;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 network such as {@code 10.0.0.0/8} or {@code 2001:db8::/32}.
 * Parsing never resolves a host name: only address literals are accepted, so hostile input cannot
 * make the service do a DNS lookup.
 */
public record Cidr(byte[] network, int prefix, String text) {

    private static final Pattern IPV4 = Pattern.compile("^(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})$");
    private static final Pattern IPV6 = Pattern.compile("^[0-9A-Fa-f:.]{2,45}$");

    /** Parses {@code address[/prefix]}; a bare address is a single-host network. */
    public static Optional<Cidr> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String s = value.trim();
        int slash = s.indexOf('/');
        String host = slash < 0 ? s : s.substring(0, slash);
        Optional<byte[]> address = parseAddress(host);
        if (address.isEmpty()) {
            return Optional.empty();
        }
        byte[] bytes = address.get();
        int max = bytes.length * 8;
        int prefix = max;
        if (slash >= 0) {
            String p = s.substring(slash + 1);
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) {
                return Optional.empty();
            }
            prefix = Integer.parseInt(p);
            if (prefix > max) {
                return Optional.empty();
            }
        }
        byte[] network = mask(bytes, prefix);
        return Optional.of(new Cidr(network, prefix, format(network) + "/" + prefix));
    }

    /** Parses an IPv4 or IPv6 literal into its bytes (IPv4-mapped IPv6 addresses become IPv4). */
    public static Optional<byte[]> parseAddress(String host) {
        if (host == null || host.isEmpty()) {
            return Optional.empty();
        }
        var v4 = IPV4.matcher(host);
        if (v4.matches()) {
            byte[] bytes = new byte[4];
            for (int i = 0; i < 4; i++) {
                int octet = Integer.parseInt(v4.group(i + 1));
                if (octet > 255) {
                    return Optional.empty();
                }
                bytes[i] = (byte) octet;
            }
            return Optional.of(bytes);
        }
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        // a literal starts with a hex digit or ':' (".:1" does not): only then does the JDK parse it as an
        // address; anything else it would hand to the resolver
        if (h.indexOf(':') < 0
                || !IPV6.matcher(h).matches()
                || Character.digit(h.charAt(0), 16) < 0 && h.charAt(0) != ':') {
            return Optional.empty();
        }
        try {
            // Contains ':' and only hex digits, ':' and '.': the JDK parses it as a literal, never via DNS.
            return Optional.of(InetAddress.getByName(h).getAddress());
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    public boolean contains(byte[] address) {
        if (address == null || address.length != network.length) {
            return false;
        }
        byte[] masked = mask(address, prefix);
        return java.util.Arrays.equals(masked, network);
    }

    /** Whether every address of {@code other} is in this network. */
    public boolean covers(Cidr other) {
        return other.network.length == network.length && other.prefix >= prefix && contains(other.network);
    }

    public boolean contains(String address) {
        return parseAddress(address).map(this::contains).orElse(false);
    }

    @Override
    public String toString() {
        return text;
    }

    private static byte[] mask(byte[] address, int prefix) {
        byte[] out = address.clone();
        for (int i = 0; i < out.length; i++) {
            int bits = Math.max(0, Math.min(8, prefix - i * 8));
            out[i] = (byte) (out[i] & (0xFF << (8 - bits)));
        }
        return out;
    }

    /** {@code address} in the spelling of {@link #format}; anything that is no address literal, as it is. */
    public static String respell(String address) {
        return parseAddress(address).map(Cidr::format).orElse(address);
    }

    /**
     * An address in its one spelling, the one people type and read: dotted IPv4, or IPv6 as RFC 5952 writes it
     * (lower case, no leading zeros, the longest run of two or more zero groups as {@code ::}, the first of equal
     * runs): {@code ::1}, not the JDK's {@code 0:0:0:0:0:0:0:1}.
     */
    public static String format(byte[] bytes) {
        if (bytes.length == 4) {
            return (bytes[0] & 0xFF) + "." + (bytes[1] & 0xFF) + "." + (bytes[2] & 0xFF) + "." + (bytes[3] & 0xFF);
        }
        if (bytes.length != 16) {
            throw new IllegalArgumentException("an address has 4 or 16 bytes, not " + bytes.length);
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = (bytes[2 * i] & 0xFF) << 8 | bytes[2 * i + 1] & 0xFF;
        }
        int runStart = -1;
        int runLength = 1; // a single zero group is written out (RFC 5952 4.2.2)
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int end = i;
            while (end < 8 && groups[end] == 0) {
                end++;
            }
            if (end - i > runLength) {
                runStart = i;
                runLength = end - i;
            }
            i = end;
        }
        StringBuilder out = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == runStart) {
                out.append("::");
                i += runLength - 1;
                continue;
            }
            if (!out.isEmpty() && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }
}
