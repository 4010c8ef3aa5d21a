package io.patgate.domain;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The throttle's arithmetic and bounds, without a server. */
class ThrottleTest {

    @Test
    void anIpv6ClientCountsByItsSlash64AndIpv4ByItsAddress() {
        assertEquals(Throttle.addressKey("2001:db8:1:2:aaaa::1"), Throttle.addressKey("2001:db8:1:2:bbbb:cccc:dddd:9"));
        assertTrue(!Throttle.addressKey("2001:db8:1:2::1").equals(Throttle.addressKey("2001:db8:1:3::1")));
        assertEquals("192.0.2.1", Throttle.addressKey("192.0.2.1"));
    }

    @Test
    void aFloodOfNewKeysCannotGrowTheTable() {
        Throttle throttle = new Throttle(10, Duration.ofMinutes(15), Duration.ofMinutes(15), Clock.systemUTC(), 1_000);
        for (int i = 0; i < 50_000; i++) {
            throttle.count("198.51." + (i >> 8 & 255) + "." + (i & 255) + "-" + i);
        }
        assertTrue(throttle.size() <= 1_000, "the table holds " + throttle.size() + " keys");
    }

    @Test
    void theEleventhEventLocksForASecondThenTwoThenFour() {
        Throttle throttle = new Throttle(10, Duration.ofMinutes(15), Duration.ofMinutes(1), Clock.systemUTC());
        for (int i = 0; i < 9; i++) {
            throttle.count("k");
        }
        assertEquals(0, throttle.retryAfter("k"));
        throttle.count("k");
        assertEquals(1, throttle.retryAfter("k"));
        throttle.count("k");
        assertEquals(2, throttle.retryAfter("k"));
        throttle.count("k");
        assertEquals(4, throttle.retryAfter("k"));
    }
}
