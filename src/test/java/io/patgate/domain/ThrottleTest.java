package io.patgate.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

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

    /** A clock the test moves by hand. */
    private static final class Hand extends Clock {
        private Instant now = Instant.parse("2027-03-01T12:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    /** Three events in 15 minutes allowed, then locked for 1, 2, 4, at most 5 seconds. */
    private static Throttle threeThenFiveSecondsAtMost(Clock clock) {
        return new Throttle(3, Duration.ofMinutes(15), Duration.ofSeconds(5), clock, 100);
    }

    @Test
    void theLockDoublesUpToItsCapAndEndsOnTime() {
        Hand clock = new Hand();
        Throttle throttle = threeThenFiveSecondsAtMost(clock);
        throttle.count("k");
        throttle.count("k");
        assertEquals(0, throttle.retryAfter("k"));
        throttle.count("k");
        assertEquals(1, throttle.retryAfter("k"));
        throttle.count("k");
        throttle.count("k");
        assertEquals(4, throttle.retryAfter("k"));
        throttle.count("k");
        assertEquals(5, throttle.retryAfter("k"), "capped at the longest lock");
        clock.advance(Duration.ofMillis(4_001));
        assertEquals(1, throttle.retryAfter("k"), "a part of a second left is a second to wait");
        clock.advance(Duration.ofSeconds(1));
        assertEquals(0, throttle.retryAfter("k"));
    }

    @Test
    void countsStartAfreshOnceTheWindowIsOver() {
        Hand clock = new Hand();
        Throttle throttle = threeThenFiveSecondsAtMost(clock);
        throttle.count("k");
        throttle.count("k");
        clock.advance(Duration.ofMinutes(16));
        throttle.count("k");
        throttle.count("k");
        assertEquals(0, throttle.retryAfter("k"), "two old failures and two new ones are not four");
    }

    @Test
    void aLegitimateEventIsTakenBackAndAResetForgetsTheKey() {
        Hand clock = new Hand();
        Throttle throttle = threeThenFiveSecondsAtMost(clock);
        throttle.count("k");
        throttle.count("k");
        throttle.count("k");
        assertEquals(1, throttle.retryAfter("k"));
        throttle.uncount("k");
        assertEquals(0, throttle.retryAfter("k"), "below the allowance again: no lock");
        throttle.count("other");
        throttle.reset("other");
        assertEquals(0, throttle.retryAfter("other"));
    }
}
