package io.patgate.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** CIDR parsing: literals only, never a name the resolver would look up. */
class CidrTest {

    @Test
    void onlyAddressLiteralsParse() {
        for (String hostile : new String[] {
            ".:1",
            ".:",
            "::g",
            "localhost",
            "example.com",
            "1.2.3",
            "256.1.1.1",
            "10.0.0.0/33",
            "::1/129",
            "10.0.0.0/",
            "10.0.0.0/-1",
            ":",
            "fe80::1%eth0"
        }) {
            assertTrue(Cidr.parse(hostile).isEmpty(), hostile + " is no CIDR");
        }
        assertEquals("10.0.0.0/8", Cidr.parse("10.1.2.3/8").orElseThrow().toString());
        assertEquals("::1/128", Cidr.parse("::1").orElseThrow().toString());
        assertTrue(Cidr.parse("2001:db8::/32")
                .orElseThrow()
                .contains(Cidr.parseAddress("2001:db8:ffff::1").orElseThrow()));
        assertTrue(Cidr.parseAddress("::ffff:10.0.0.1").orElseThrow().length == 4, "an IPv4-mapped address is IPv4");
    }

    @Test
    void networksAreWrittenAsPeopleWriteThem() {
        // RFC 5952: lower case, no leading zeros, the longest run of zero groups as ::, the first of two equal runs,
        // never a single zero group
        String[][] cases = {
            {"0:0:0:0:0:0:0:1", "::1/128"},
            {"2001:DB8:0000:0000:0000:0000:0000:0001/64", "2001:db8::/64"},
            {"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1/128"},
            {"2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1/128"},
            {"2001:0:0:1:0:0:0:1", "2001:0:0:1::1/128"},
            {"fe80::/10", "fe80::/10"},
            {"1::", "1::/128"},
            {"::/0", "::/0"},
            {"0.0.0.0/0", "0.0.0.0/0"},
            {"[::ffff:192.0.2.1]", "192.0.2.1/32"},
        };
        for (String[] c : cases) {
            assertEquals(c[1], Cidr.parse(c[0]).orElseThrow().toString(), c[0]);
        }
        // the spelling changes nothing about what a network holds
        assertEquals(Cidr.parse("::1/128"), Cidr.parse("0:0:0:0:0:0:0:1/128"));
    }
}
