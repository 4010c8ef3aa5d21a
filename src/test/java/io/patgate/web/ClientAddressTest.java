package io.patgate.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which address a request is from, behind proxies that write {@code X-Forwarded-For} or RFC 7239 {@code Forwarded}:
 * plain JUnit, no Quarkus. The address decides {@code allowedCidrs}, the throttles, the last-used address and the
 * audit trail; {@code ForwardedForTest}, {@code UsageTest} and {@code AbuseTest} check that wiring over HTTP.
 */
class ClientAddressTest {

    private static final List<String> LOOPBACK_PROXIES = List.of("127.0.0.0/8", "::1/128");

    private static final ClientAddress X_FORWARDED_FOR = new ClientAddress(LOOPBACK_PROXIES, false);
    private static final ClientAddress RFC_7239 = new ClientAddress(LOOPBACK_PROXIES, true);
    private static final ClientAddress NO_PROXY = new ClientAddress(List.of(), false);

    @Test
    void withoutTrustedProxiesTheClientIsThePeerWhateverItWrites() {
        assertEquals("127.0.0.1", NO_PROXY.of("127.0.0.1", List.of("192.0.2.10")));
        assertEquals("::1", NO_PROXY.of("0:0:0:0:0:0:0:1", List.of()));
    }

    @Test
    void anUntrustedPeerIsTheClientEvenWhenItWritesTheHeader() {
        assertEquals("198.51.100.7", X_FORWARDED_FOR.of("198.51.100.7", List.of("192.0.2.10")));
        assertEquals("198.51.100.7", RFC_7239.of("198.51.100.7", List.of("for=192.0.2.10")));
    }

    @Test
    void aTrustedPeerWithoutTheHeaderIsTheClient() {
        assertEquals("127.0.0.1", X_FORWARDED_FOR.of("127.0.0.1", List.of()));
    }

    @Test
    void theClientIsTheRightmostAddressNotOneOfOurProxiesAcrossEveryLine() {
        // the client's own line first, then what HAProxy (option forwardfor) or nginx appended
        assertEquals("198.51.100.31", X_FORWARDED_FOR.of("127.0.0.1", List.of("6.6.6.6", "198.51.100.31")));
        assertEquals("198.51.100.23", X_FORWARDED_FOR.of("127.0.0.1", List.of("6.6.6.6", "198.51.100.23, 127.0.0.1")));
        // a client that prepends an address of its own gets nowhere
        assertEquals("198.51.100.66", X_FORWARDED_FOR.of("127.0.0.1", List.of("192.0.2.10, 198.51.100.66")));
        assertEquals(
                "198.51.100.23", RFC_7239.of("127.0.0.1", List.of("for=6.6.6.6", "for=198.51.100.23, for=127.0.0.1")));
    }

    @Test
    void whenEveryHopIsOursTheFarthestIsTheClient() {
        assertEquals("127.0.0.5", X_FORWARDED_FOR.of("127.0.0.1", List.of("127.0.0.5, 127.0.0.2")));
    }

    @Test
    void somethingThatIsNoAddressEndsTheWalk() {
        // left of garbage the chain may be forged: the last address read stands
        assertEquals("127.0.0.3", X_FORWARDED_FOR.of("127.0.0.1", List.of("192.0.2.1, garbage, 127.0.0.3")));
        // garbage nearest: no address at all, so the peer
        assertEquals("127.0.0.1", X_FORWARDED_FOR.of("127.0.0.1", List.of("unknown")));
        // RFC 7239: an obfuscated or "unknown" node, or an element without for=
        assertEquals("127.0.0.3", RFC_7239.of("127.0.0.1", List.of("for=192.0.2.1, for=_hidden, for=127.0.0.3")));
        assertEquals("127.0.0.1", RFC_7239.of("127.0.0.1", List.of("for=198.51.100.9, for=unknown")));
        assertEquals("127.0.0.1", RFC_7239.of("127.0.0.1", List.of("proto=https;by=203.0.113.43")));
    }

    @Test
    void rfc7239NodesAreReadWithTheirQuotesPortsAndBrackets() {
        assertEquals("192.0.2.60", RFC_7239.of("127.0.0.1", List.of("for=192.0.2.60;proto=https;by=203.0.113.43")));
        assertEquals("192.0.2.60", RFC_7239.of("127.0.0.1", List.of("For=\"192.0.2.60:4711\"")));
        assertEquals("2001:db8::5", RFC_7239.of("127.0.0.1", List.of("for=\"[2001:db8::5]:4711\";proto=https")));
        assertEquals("2001:db8::5", RFC_7239.of("::1", List.of("proto=https;for=\"[2001:db8::5]\"")));
    }

    @Test
    void addressesAreRecordedAsPeopleWriteThem() {
        assertEquals("2001:db8::5", RFC_7239.of("127.0.0.1", List.of("for=\"[2001:DB8:0:0:0:0:0:5]:4711\"")));
        assertEquals("2001:db8::5", X_FORWARDED_FOR.of("127.0.0.1", List.of("2001:DB8:0:0:0:0:0:5")));
        assertEquals("10.0.0.1", X_FORWARDED_FOR.of("::ffff:127.0.0.1", List.of("::ffff:10.0.0.1")));
        assertEquals("::1", X_FORWARDED_FOR.of("[0:0:0:0:0:0:0:1]", List.of()));
    }

    @Test
    void aTrustedProxyThatIsNoCidrStopsTheStart() {
        IllegalArgumentException refused = assertThrows(
                IllegalArgumentException.class, () -> new ClientAddress(List.of("10.0.0.0/8", "the ingress"), false));
        assertTrue(
                refused.getMessage().contains("patgate.http.trusted-proxies: 'the ingress' is not a CIDR"),
                refused.getMessage());
    }
}
