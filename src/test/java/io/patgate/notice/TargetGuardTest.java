package io.patgate.notice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.patgate.domain.Refusal;
import io.vertx.mutiny.core.Vertx;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The request-forgery guard's lists, fast (plain JUnit, a Vert.x of its own, address literals only so nothing asks DNS):
 * the ranges added after the review of issue 25, the cloud service addresses, and the operator's own
 * {@code patgate.webhooks.deny-networks}; and local targets however they are written, as production has the guard
 * ({@code allow-local-network} off). {@code WebhookTargetsTest} runs the guard inside the application.
 */
class TargetGuardTest {

    private static Vertx vertx;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        vertx.closeAndAwait();
    }

    private static TargetGuard guard(boolean allowLocal, String... denyNetworks) {
        return new TargetGuard(vertx, allowLocal, List.of(denyNetworks));
    }

    /** The 400 the guard answers for {@code host}, as its message (the field is always {@code url}). */
    private static String refusal(TargetGuard guard, String host) {
        Refusal refused = assertThrows(
                Refusal.class,
                () -> guard.check("https://" + host + "/hook").await().atMost(Duration.ofSeconds(5)),
                host + " passed");
        assertEquals(Refusal.Kind.INVALID, refused.kind(), host);
        assertEquals(1, refused.errors().size(), host);
        assertEquals("url", refused.errors().get(0).field(), host);
        return refused.errors().get(0).message();
    }

    private static void passes(TargetGuard guard, String host, String address) throws Exception {
        TargetGuard.Target target =
                guard.check("https://" + host + "/hook").await().atMost(Duration.ofSeconds(5));
        assertEquals(InetAddress.getByName(address), target.address(), host);
    }

    /** The 400 the guard answers for the whole {@code url}, as its message. */
    private static String refusalOfUrl(TargetGuard guard, String url) {
        Refusal refused = assertThrows(
                Refusal.class, () -> guard.check(url).await().atMost(Duration.ofSeconds(5)), url + " passed");
        assertEquals(Refusal.Kind.INVALID, refused.kind(), url);
        assertEquals("url", refused.errors().get(0).field(), url);
        return refused.errors().get(0).message();
    }

    @Test
    void localTargetsAreRefusedHoweverTheyAreWritten() throws Exception {
        TargetGuard guard = guard(false);
        for (String url : List.of(
                "http://127.0.0.1:8081/x",
                "http://localhost/x",
                "http://LOCALHOST./x",
                "http://[::1]/x",
                "http://0.0.0.0/x",
                "http://169.254.169.254/latest/meta-data/",
                "http://10.1.2.3/x",
                "http://172.16.0.1/x",
                "http://192.168.1.1/x",
                "http://100.64.0.1/x",
                "http://[::ffff:127.0.0.1]/x",
                "http://[fd00::1]/x",
                "http://[fe80::1]/x",
                "http://2130706433/x",
                "http://0x7f000001/x",
                "http://127.1/x",
                // IPv6 forms that reach an IPv4 address through a translator or relay: SIIT, 6to4 (of 10.0.0.1), Teredo
                "http://[::ffff:0:a00:1]/x",
                "http://[2002:a00:1::1]/x",
                "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/x")) {
            refusalOfUrl(guard, url);
        }
        // the sentence says what would allow it (the API's 400 carries it as the problem's detail)
        assertTrue(refusalOfUrl(guard, "http://127.0.0.1/x").contains("patgate.webhooks.allow-local-network=true"));
        // a public address is fine
        assertEquals(
                InetAddress.getByName("93.184.216.34"),
                guard.check("https://93.184.216.34/hook")
                        .await()
                        .atMost(Duration.ofSeconds(5))
                        .address());
    }

    @Test
    void documentationSrv6AndAzureWireServerAddressesAreRefused() {
        TargetGuard guard = guard(false);
        for (String host : List.of(
                "[3fff::1]",
                        "[3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff]", // RFC 9637 documentation, 3fff::/20, first and last
                "[5f00::1]", "[5f00:ffff::5]", // SRv6 SIDs, 5f00::/16
                "168.63.129.16", "[::ffff:168.63.129.16]")) { // Azure's wire server, also IPv4-mapped
            assertTrue(
                    refusal(guard, host).contains("such targets need patgate.webhooks.allow-local-network=true"), host);
        }
    }

    @Test
    void everyCloudMetadataServiceIsRefused() {
        TargetGuard guard = guard(false);
        for (String host : List.of(
                "169.254.169.254",
                "169.254.170.2", // AWS, Azure, GCP, DigitalOcean; ECS task metadata
                "[fd00:ec2::254]", // AWS IMDS over IPv6 (in fc00::/7)
                "100.100.100.200", // Alibaba Cloud (in 100.64.0.0/10)
                "192.0.0.192", // Oracle Cloud's legacy metadata (in 192.0.0.0/24)
                "[fd20:ce::254]")) { // GCP metadata over IPv6
            refusal(guard, host);
        }
    }

    @Test
    void theirNeighboursAndPublicAddressesPass() throws Exception {
        TargetGuard guard = guard(false);
        passes(guard, "[3fff:1000::1]", "3fff:1000::1"); // just past 3fff::/20
        passes(guard, "[5f01::1]", "5f01::1"); // just past 5f00::/16
        passes(guard, "168.63.129.15", "168.63.129.15");
        passes(guard, "168.63.129.17", "168.63.129.17");
        passes(guard, "93.184.216.34", "93.184.216.34");
        passes(guard, "[2606:4700:4700::1111]", "2606:4700:4700::1111");
    }

    @Test
    void configuredNetworksAreRefusedBesideTheBuiltInOnes() throws Exception {
        TargetGuard guard = guard(false, "93.184.216.0/24", "2606:4700::/32", "8.8.8.8");
        assertEquals(
                "resolves to 93.184.216.34, in 93.184.216.0/24 of patgate.webhooks.deny-networks",
                refusal(guard, "93.184.216.34"));
        assertTrue(
                refusal(guard, "[::ffff:93.184.216.34]")
                        .contains("in 93.184.216.0/24 of patgate.webhooks.deny-networks"),
                "an IPv4-mapped IPv6 address is its IPv4 address");
        assertTrue(refusal(guard, "[2606:4700:4700::1111]")
                .contains("in 2606:4700::/32 of patgate.webhooks.deny-networks"));
        assertTrue(
                refusal(guard, "8.8.8.8").contains("in 8.8.8.8/32 of patgate.webhooks.deny-networks"),
                "a bare address is one host");
        assertTrue(
                refusal(guard, "127.0.0.1").contains("patgate.webhooks.allow-local-network=true"),
                "the built-in list still applies");
        passes(guard, "93.184.217.1", "93.184.217.1");
        passes(guard, "8.8.4.4", "8.8.4.4");
    }

    @Test
    void configuredNetworksAreRefusedEvenWhereLocalTargetsAreAllowed() throws Exception {
        TargetGuard guard = guard(true, "169.254.0.0/16", "10.20.0.0/16", "168.63.129.16/32");
        // an operator lets hooks reach an internal receiver, but never the metadata service, the database's subnet or
        // the wire server
        passes(guard, "10.1.2.3", "10.1.2.3");
        passes(guard, "127.0.0.1", "127.0.0.1");
        assertTrue(refusal(guard, "169.254.169.254").contains("in 169.254.0.0/16 of patgate.webhooks.deny-networks"));
        assertTrue(refusal(guard, "10.20.0.7").contains("in 10.20.0.0/16 of patgate.webhooks.deny-networks"));
        assertTrue(refusal(guard, "168.63.129.16").contains("in 168.63.129.16/32 of patgate.webhooks.deny-networks"));
        // without a list, allowing local targets allows them all (as before)
        passes(guard(true), "169.254.169.254", "169.254.169.254");
    }

    @Test
    void aDenyNetworkThatIsNoCidrStopsTheStartNamingTheSetting() {
        for (String wrong :
                List.of("10.0.0.0/33", "fd00::/129", "10.0.0/8", "metadata.google.internal", "10.0.0.0/", "")) {
            IllegalArgumentException refused =
                    assertThrows(IllegalArgumentException.class, () -> guard(false, wrong), wrong);
            assertTrue(
                    refused.getMessage().startsWith("patgate.webhooks.deny-networks: '" + wrong + "' is not a CIDR"),
                    refused.getMessage());
        }
    }
}
