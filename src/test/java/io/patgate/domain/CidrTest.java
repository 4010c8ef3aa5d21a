package io.patgate.domain;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CIDR parsing: literals only, never a name the resolver would look up. */
class CidrTest {

    @Test
    void onlyAddressLiteralsParse() {
        for (String hostile : new String[]{".:1", ".:", "::g", "localhost", "example.com", "1.2.3", "256.1.1.1", "10.0.0.0/33", "::1/129",
                "10.0.0.0/", "10.0.0.0/-1", ":", "fe80::1%eth0"}) {
            assertTrue(Cidr.parse(hostile).isEmpty(), hostile + " is no CIDR");
        }
        assertEquals("10.0.0.0/8", Cidr.parse("10.1.2.3/8").orElseThrow().toString());
        assertEquals("0:0:0:0:0:0:0:1/128", Cidr.parse("::1").orElseThrow().toString());
        assertTrue(Cidr.parse("2001:db8::/32").orElseThrow().contains(Cidr.parseAddress("2001:db8:ffff::1").orElseThrow()));
        assertTrue(Cidr.parseAddress("::ffff:10.0.0.1").orElseThrow().length == 4, "an IPv4-mapped address is IPv4");
    }
}
