package io.patgate.notice;

import io.patgate.config.PatgateConfig;
import io.patgate.domain.Cidr;
import io.patgate.domain.Refusal;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The server-side request forgery guard of webhooks, as GitLab's: a target must be an {@code http(s)} URL whose
 * host resolves only to public addresses (not loopback, link-local, private, shared, multicast or reserved ones, nor
 * a cloud platform's service address), unless {@code patgate.webhooks.allow-local-network=true}; and never to one of
 * {@code patgate.webhooks.deny-networks}, whatever else is allowed. Checked when a hook is saved and again before
 * every delivery, after DNS, and the delivery then connects to the very address that was checked (so a name that
 * resolves differently the second time, DNS rebinding, gains nothing).
 * <p>
 * The same guard stands before every other request patgate makes to an address someone typed in: the discovery
 * documents and key sets of the issuers that service accounts trust ({@code exchange.IssuerKeys}), under a stricter
 * {@link Policy} (https only) and a setting of their own ({@code patgate.oidc.allow-insecure}); the deny-list
 * applies to them too.
 */
@ApplicationScoped
@Startup // built at start, so a wrong patgate.webhooks.deny-networks stops the start rather than the first webhook
public class TargetGuard {

    public static final int MAX_URL = 2048;

    /**
     * Networks no hook may reach by default (IPv4-mapped IPv6 addresses are checked as the IPv4 address they carry):
     * IANA's special-purpose registries (RFC 6890 and later: neither forwardable to nor reachable on the public
     * internet), plus the addresses cloud platforms serve their own endpoints on, inside otherwise public space.
     */
    private static final List<Cidr> LOCAL = Stream.of(
                    "0.0.0.0/8",
                    "10.0.0.0/8",
                    "100.64.0.0/10",
                    "127.0.0.0/8",
                    "169.254.0.0/16",
                    "172.16.0.0/12",
                    "192.0.0.0/24",
                    "192.0.2.0/24",
                    "192.88.99.0/24",
                    "192.168.0.0/16",
                    "198.18.0.0/15",
                    "198.51.100.0/24",
                    "203.0.113.0/24",
                    "224.0.0.0/4",
                    "240.0.0.0/4",
                    "::/96",
                    "::1/128",
                    "::ffff:0:0:0/96",
                    "64:ff9b::/96",
                    "64:ff9b:1::/48",
                    "100::/64",
                    "2001::/32",
                    "2001:db8::/32",
                    "2002::/16",
                    "3fff::/20", // documentation, RFC 9637 (beside 2001:db8::/32)
                    "5f00::/16", // SRv6 segment identifiers, RFC 9602: a node's own functions, never an internet host
                    "fc00::/7",
                    "fe80::/10",
                    "fec0::/10",
                    "ff00::/8",
                    // cloud platforms' service addresses in public space: Azure's wire server (DHCP, DNS, the VM
                    // agent's
                    // goal state and extension config). The metadata services of AWS, Azure, GCP, Oracle and Alibaba
                    // (169.254.169.254, 169.254.170.2, 192.0.0.192, 100.100.100.200, fd00:ec2::254) are in ranges
                    // above.
                    "168.63.129.16/32")
            .map(c -> Cidr.parse(c).orElseThrow())
            .toList();

    /**
     * What one kind of target may be: the field named in refusals, whether plain {@code http} is allowed besides
     * {@code https}, whether local addresses are, and the setting that allows what is refused (named in the refusal).
     */
    public record Policy(String field, boolean httpAllowed, boolean localAllowed, String setting) {}

    /** A target that passed: the URL, and the address to connect to. */
    public record Target(URI url, InetAddress address) {
        public int port() {
            return url.getPort() >= 0 ? url.getPort() : "https".equals(url.getScheme()) ? 443 : 80;
        }

        public boolean tls() {
            return "https".equals(url.getScheme());
        }

        /** The path and query to request. */
        public String requestUri() {
            String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
            return url.getRawQuery() == null ? path : path + "?" + url.getRawQuery();
        }
    }

    private final Vertx vertx;
    private final Policy webhooks;
    private final List<Cidr> denied;

    @Inject
    public TargetGuard(Vertx vertx, PatgateConfig config) {
        this(
                vertx,
                config.webhooks().allowLocalNetwork(),
                config.webhooks().denyNetworks().orElse(List.of()));
    }

    /** @param denyNetworks CIDRs refused on top of the built-in list, even with {@code allowLocal}; an invalid one fails here */
    TargetGuard(Vertx vertx, boolean allowLocal, List<String> denyNetworks) {
        this.vertx = vertx;
        this.webhooks = new Policy("url", true, allowLocal, "patgate.webhooks.allow-local-network");
        this.denied = denyNetworks.stream()
                .map(
                        c -> Cidr.parse(c)
                                .orElseThrow(
                                        () -> new IllegalArgumentException(
                                                "patgate.webhooks.deny-networks: '" + c
                                                        + "' is not a CIDR (an address, or an address/prefix such as 10.20.0.0/16 or fd12:3456::/48)")))
                .toList();
    }

    /** The URL, if it is one a hook may have (before DNS); a 400 naming field {@code url} otherwise. */
    public static URI parse(String url) {
        return parse(
                url,
                "url",
                true,
                "patgate.webhooks.allow-local-network",
                "; use the secret to authenticate deliveries");
    }

    /** The URL, if the policy allows its form (before DNS); a 400 naming the policy's field otherwise. */
    public static URI parse(String url, Policy policy) {
        return parse(url, policy.field(), policy.httpAllowed(), policy.setting(), "");
    }

    private static URI parse(String url, String field, boolean httpAllowed, String setting, String credentialsHint) {
        if (url == null || url.isBlank()) {
            throw Refusal.invalid(field, "must not be blank");
        }
        if (url.length() > MAX_URL) {
            throw Refusal.invalid(field, "must be at most " + MAX_URL + " characters");
        }
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw Refusal.invalid(field, "is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw Refusal.invalid(field, httpAllowed ? "must be an http or https URL" : "must be an https URL");
        }
        if (scheme.equals("http") && !httpAllowed) {
            throw Refusal.invalid(field, "must be an https URL; plain http needs " + setting + "=true");
        }
        if (uri.getRawAuthority() == null || uri.getHost() == null) {
            throw Refusal.invalid(field, "must name a host");
        }
        if (uri.getRawUserInfo() != null) {
            throw Refusal.invalid(field, "must not carry credentials (user:password@)" + credentialsHint);
        }
        if (uri.getRawFragment() != null) {
            throw Refusal.invalid(field, "must not have a fragment");
        }
        return uri.normalize();
    }

    /** Resolves the URL's host and checks every address it has; a 400 naming field {@code url} when one is refused. */
    public Uni<Target> check(String url) {
        return check(url, webhooks);
    }

    /**
     * Resolves the URL's host and checks its form and every address it has against {@code policy}; a 400 naming the
     * policy's field when one is refused.
     */
    public Uni<Target> check(String url, Policy policy) {
        URI uri = policy == webhooks ? parse(url) : parse(url, policy);
        String field = policy.field();
        String host = uri.getHost().startsWith("[")
                ? uri.getHost().substring(1, uri.getHost().length() - 1)
                : uri.getHost();
        return vertx.executeBlocking(
                Uni.createFrom().item(() -> {
                    InetAddress[] addresses;
                    try {
                        addresses = InetAddress.getAllByName(host);
                    } catch (UnknownHostException e) {
                        throw Refusal.invalid(field, "host " + host + " does not resolve");
                    }
                    for (InetAddress address : addresses) {
                        refusal(address, policy).ifPresent(reason -> {
                            throw Refusal.invalid(field, "resolves to " + address.getHostAddress() + ", " + reason);
                        });
                    }
                    return new Target(uri, addresses[0]);
                }),
                false); // unordered: one slow name does not hold up the others of a round
    }

    /** Why a hook may not reach this address (the end of the 400's sentence), or empty when it may. */
    Optional<String> refusal(InetAddress address) {
        return refusal(address, webhooks);
    }

    /** Why a target of {@code policy} may not be this address, or empty when it may. */
    private Optional<String> refusal(InetAddress address, Policy policy) {
        byte[] bytes = bytesOf(address);
        for (Cidr network : denied) {
            if (network.contains(bytes)) {
                return Optional.of("in " + network + " of patgate.webhooks.deny-networks");
            }
        }
        if (!policy.localAllowed() && isLocal(address)) {
            return Optional.of("a loopback, link-local, private, reserved or cloud-platform address;"
                    + " such targets need " + policy.setting() + "=true");
        }
        return Optional.empty();
    }

    /** Whether an address is one a hook may not reach by default. */
    static boolean isLocal(InetAddress address) {
        if (address.isAnyLocalAddress()
                || address.isLoopbackAddress()
                || address.isLinkLocalAddress()
                || address.isSiteLocalAddress()
                || address.isMulticastAddress()) {
            return true;
        }
        byte[] bytes = bytesOf(address);
        for (Cidr local : LOCAL) {
            if (local.contains(bytes)) {
                return true;
            }
        }
        return false;
    }

    /** The address's bytes; those of the IPv4 address an IPv4-mapped IPv6 address carries ({@code ::ffff:a.b.c.d} is a.b.c.d). */
    private static byte[] bytesOf(InetAddress address) {
        byte[] bytes = address.getAddress();
        return address instanceof Inet6Address && isMapped(bytes) ? java.util.Arrays.copyOfRange(bytes, 12, 16) : bytes;
    }

    private static boolean isMapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }
}
