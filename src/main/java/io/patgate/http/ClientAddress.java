package io.patgate.http;

import io.patgate.config.PatgateConfig;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Optional;

/**
 * The address a request comes from: the TCP peer, or the client named by {@code X-Forwarded-For} only
 * when the peer is one of {@code patgate.http.trusted-proxies}. Untrusted peers cannot spoof their origin
 * by sending it. ({@code Forwarded} is ignored: nginx passes a client's own through untouched.)
 */
@ApplicationScoped
public class ClientAddress {

    private final List<Cidr> trusted;

    public ClientAddress(PatgateConfig config) {
        this.trusted = config.http().trustedProxies().orElse(List.of()).stream()
                .map(s -> Cidr.parse(s).orElseThrow(() -> new IllegalArgumentException(
                        "patgate.http.trusted-proxies: '" + s + "' is not a CIDR")))
                .toList();
    }

    public String of(HttpServerRequest request) {
        SocketAddress remote = request.remoteAddress();
        if (remote == null) {
            return "unknown";
        }
        String host = remote.hostAddress();
        if (trusted.isEmpty()) {
            // the common case, on every request: no parsing unless the address needs normalising
            return host.startsWith("::ffff:") || host.startsWith("[") ? normalize(host) : host;
        }
        String peer = normalize(host);
        if (!isTrusted(peer)) {
            return peer;
        }
        // X-Forwarded-For only: every proxy we document sets it, while some (nginx) pass a client's own
        // Forwarded header through untouched, which would let the client choose its address
        String xff = request.getHeader("X-Forwarded-For");
        if (xff != null) {
            return rightmostUntrusted(List.of(xff.split(","))).orElse(peer);
        }
        return peer;
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
        String a = address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1) : address;
        // ::ffff:10.0.0.1 -> 10.0.0.1, so one client has one spelling
        return Cidr.parseAddress(a).map(ClientAddress::format).orElse(a);
    }

    private static String format(byte[] bytes) {
        try {
            return java.net.InetAddress.getByAddress(bytes).getHostAddress();
        } catch (java.net.UnknownHostException e) {
            return "unknown";
        }
    }
}
