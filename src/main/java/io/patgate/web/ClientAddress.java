package io.patgate.web;

import io.patgate.config.HttpConfig;
import io.patgate.config.PatgateConfig;
import io.patgate.domain.Cidr;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Optional;

/**
 * The address a request comes from: the TCP peer, or, only when the peer is one of
 * {@code patgate.http.trusted-proxies}, the client named by the one header those proxies write
 * ({@code patgate.http.forwarded-header}: {@code X-Forwarded-For} by default, or RFC 7239 {@code Forwarded}).
 * Every line of that header is read, and the chain is walked from the right: the nearest hops are our
 * proxies, and the first address that is not one of them is the client (anything left of it may be forged).
 * The other header is ignored, since a proxy passes a client's own through untouched.
 */
@Singleton // on the per-request path: no client proxy between the caller and it
public class ClientAddress {

    private final List<Cidr> trusted;
    private final boolean rfc7239;

    @Inject
    public ClientAddress(PatgateConfig config) {
        this(
                config.http().trustedProxies().orElse(List.of()),
                config.http().forwardedHeader() == HttpConfig.ForwardedHeader.FORWARDED);
    }

    /**
     * @param trustedProxies CIDRs of the proxies whose forwarding header is believed; an entry that is no CIDR fails here
     * @param rfc7239 whether they write RFC 7239 {@code Forwarded} (else {@code X-Forwarded-For})
     */
    ClientAddress(List<String> trustedProxies, boolean rfc7239) {
        this.rfc7239 = rfc7239;
        this.trusted = trustedProxies.stream()
                .map(s -> Cidr.parse(s)
                        .orElseThrow(() -> new IllegalArgumentException(
                                "patgate.http.trusted-proxies: '" + s + "' is not a CIDR")))
                .toList();
    }

    public String of(HttpServerRequest request) {
        // the connection's peer: what request.remoteAddress() answers here too (Quarkus's own proxy-address-forwarding
        // is
        // off; trusted proxies are this class's job), without Vert.x Web's forwarded-header parse of every request that
        // remoteAddress() runs first (4-5 % of a check's samples in a JFR profile of /auth/verify)
        SocketAddress remote =
                request.connection() != null ? request.connection().remoteAddress() : request.remoteAddress();
        if (remote == null) {
            return "unknown";
        }
        String host = remote.hostAddress();
        if (trusted.isEmpty()) {
            // the common case, on every request: no parsing unless the address needs normalising (IPv4 never does)
            return host.indexOf(':') >= 0 ? normalize(host) : host;
        }
        return of(host, request.headers().getAll(rfc7239 ? "Forwarded" : "X-Forwarded-For"));
    }

    /**
     * The client behind TCP peer {@code host} that sent the lines {@code lines} of the configured forwarding header
     * (in the order received; the other header is never passed here).
     */
    String of(String host, List<String> lines) {
        String peer = normalize(host);
        if (!isTrusted(peer)) {
            return peer;
        }
        if (lines.isEmpty()) {
            return peer;
        }
        List<String> hops = new java.util.ArrayList<>();
        for (String line : lines) {
            for (String element : line.split(",")) {
                hops.add(rfc7239 ? forNode(element) : element);
            }
        }
        return rightmostUntrusted(hops).orElse(peer);
    }

    /**
     * The address in one RFC 7239 element ({@code for=192.0.2.60;proto=https}, {@code for="[2001:db8::1]:4711"}).
     * An element without {@code for}, or with an obfuscated or "unknown" node, yields text that is no
     * address, which ends the walk.
     */
    static String forNode(String element) {
        for (String pair : element.split(";")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).trim().equalsIgnoreCase("for")) {
                String node = pair.substring(eq + 1).trim();
                if (node.length() >= 2 && node.startsWith("\"") && node.endsWith("\"")) {
                    node = node.substring(1, node.length() - 1);
                }
                if (node.startsWith("[")) {
                    int close = node.indexOf(']');
                    return close > 0 ? node.substring(1, close) : node;
                }
                int colon = node.indexOf(':');
                return colon > 0 && node.indexOf(':', colon + 1) < 0 ? node.substring(0, colon) : node;
            }
        }
        return "";
    }

    /**
     * Walks the chain from the nearest hop outwards and stops at the first address that is not one of our
     * proxies: everything left of it was written by the client and may be forged.
     */
    private Optional<String> rightmostUntrusted(List<String> hops) {
        String last = null;
        for (int i = hops.size() - 1; i >= 0 && i >= hops.size() - 32; i--) {
            String hop = normalize(hops.get(i).trim());
            if (Cidr.parseAddress(hop).isEmpty()) {
                return Optional.ofNullable(last);
            }
            last = hop;
            if (!isTrusted(hop)) {
                return Optional.of(hop);
            }
        }
        return Optional.ofNullable(last);
    }

    private boolean isTrusted(String address) {
        Optional<byte[]> bytes = Cidr.parseAddress(address);
        return bytes.isPresent() && trusted.stream().anyMatch(c -> c.contains(bytes.get()));
    }

    private static String normalize(String address) {
        if (address == null) {
            return "unknown";
        }
        String a =
                address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1) : address;
        // ::ffff:10.0.0.1 -> 10.0.0.1, 0:0:0:0:0:0:0:1 -> ::1: one client, one spelling, the one people write
        return Cidr.respell(a);
    }
}
