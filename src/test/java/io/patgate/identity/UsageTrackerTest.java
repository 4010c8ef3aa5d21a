package io.patgate.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The last use of each token as a replica gathers it between two writes, without a server. */
class UsageTrackerTest {

    private static final Instant T0 = Instant.parse("2026-12-07T10:00:00.250Z");
    private static final Duration STEP = Duration.ofSeconds(5);

    private static List<String> addresses(UsageTracker.Usage u) {
        return u.recent().stream().map(UsageTracker.Seen::ip).toList();
    }

    @Test
    void aUseIsHeldAndMarkedOncePerSecondAndAddress() {
        UsageTracker tracker = new UsageTracker();
        UUID id = UUID.randomUUID();
        assertNull(tracker.usage(id), "never used");
        tracker.record(id, "198.51.100.1", T0);
        assertEquals(List.of(id), tracker.drain());

        tracker.record(id, "198.51.100.1", T0.plusMillis(300)); // the same second, the same address
        assertEquals(List.of(), tracker.drain(), "nothing new to write");
        assertEquals(T0.plusMillis(300), tracker.usage(id).lastUsedAt(), "but the time is the latest");

        tracker.record(id, "198.51.100.1", T0.plusSeconds(2));
        assertEquals(List.of(id), tracker.drain());
        UsageTracker.Usage u = tracker.usage(id);
        assertEquals(T0.plusSeconds(2), u.lastUsedAt());
        assertEquals("198.51.100.1", u.lastUsedIp());
        assertEquals(List.of(new UsageTracker.Seen("198.51.100.1", T0.plusSeconds(2))), u.recent());

        tracker.record(id, "198.51.100.1", T0.plusSeconds(1)); // an older use finishing late
        assertEquals(List.of(), tracker.drain());
        assertEquals(T0.plusSeconds(2), tracker.usage(id).lastUsedAt());
    }

    @Test
    void recentAddressesAreDistinctNewestFirstFiveAtMostAndALateUseFromANewAddressIsAmongThem() {
        UsageTracker tracker = new UsageTracker();
        UUID id = UUID.randomUUID();
        for (int i = 1; i <= 7; i++) {
            tracker.record(id, "203.0.113." + i, T0.plusSeconds(i));
        }
        tracker.record(id, "203.0.113.5", T0.plusSeconds(8)); // seen again: moves to the front, once
        UsageTracker.Usage u = tracker.usage(id);
        assertEquals(List.of("203.0.113.5", "203.0.113.7", "203.0.113.6", "203.0.113.4", "203.0.113.3"), addresses(u));
        assertEquals("203.0.113.5", u.lastUsedIp());
        tracker.drain();

        // a request from a new address whose check began before the last one's: not the last use, but recent, so the
        // writer sees the new network
        tracker.record(id, "192.0.2.44", T0.plusSeconds(7).plusMillis(500));
        assertEquals(List.of(id), tracker.drain());
        u = tracker.usage(id);
        assertEquals("203.0.113.5", u.lastUsedIp());
        assertEquals(T0.plusSeconds(8), u.lastUsedAt());
        assertEquals(List.of("203.0.113.5", "192.0.2.44", "203.0.113.7", "203.0.113.6", "203.0.113.4"), addresses(u));
    }

    @Test
    void whatTheDatabaseHoldsIsMergedAndDecidesWhatIsDue() {
        UsageTracker tracker = new UsageTracker();
        UUID id = UUID.randomUUID();
        tracker.record(id, "198.51.100.1", T0.plusSeconds(10));
        // the database knows an older use from another replica's address
        tracker.seed(id, new UsageTracker.Usage(T0, "10.0.0.9", List.of(new UsageTracker.Seen("10.0.0.9", T0))));
        UsageTracker.Usage u = tracker.usage(id);
        assertEquals("198.51.100.1", u.lastUsedIp(), "this replica's later use stands");
        assertEquals(List.of("198.51.100.1", "10.0.0.9"), addresses(u));
        assertTrue(tracker.pending(id, STEP, STEP, T0).due(), "two steps past what the database holds");
        tracker.seed(
                id,
                new UsageTracker.Usage(
                        T0.plusSeconds(12),
                        "10.0.0.9",
                        List.of(new UsageTracker.Seen("10.0.0.9", T0.plusSeconds(12)))));
        u = tracker.usage(id);
        assertEquals("10.0.0.9", u.lastUsedIp(), "a later use the database holds stands");
        assertEquals(T0.plusSeconds(12), u.lastUsedAt());
        assertEquals(List.of("10.0.0.9", "198.51.100.1"), addresses(u));
        assertFalse(tracker.pending(id, STEP, STEP, T0).due(), "nothing past what the database holds");
    }

    @Test
    void theStepAndTheNetworksToldDecideWhatAWriteCarries() {
        UsageTracker tracker = new UsageTracker();
        UUID id = UUID.randomUUID();
        tracker.record(id, "198.51.100.1", T0);
        UsageTracker.Usage u = tracker.usage(id);
        assertTrue(tracker.pending(id, STEP, STEP, T0).due(), "nothing stored yet");
        assertTrue(tracker.pending(id, STEP, STEP, T0).networksDue());
        assertEquals(u, tracker.pending(id, STEP, STEP, T0).usage(), "what is due is written as it stands");
        UsageTracker.Pending written = tracker.pending(id, STEP, STEP, T0);
        written.stored(T0);
        written.networksTold(T0);

        tracker.record(id, "198.51.100.1", T0.plusSeconds(3));
        u = tracker.usage(id);
        assertFalse(tracker.pending(id, STEP, STEP, T0.plusSeconds(3)).due(), "within the step of what is stored");
        assertFalse(
                tracker.pending(id, STEP, STEP, T0.plusSeconds(3)).networksDue(), "the same addresses, told 3 s ago");
        assertNull(tracker.pending(id, STEP, STEP, T0.plusSeconds(3)).usage(), "nothing due: nothing to write");
        assertTrue(tracker.pending(id, STEP, STEP, T0.plusSeconds(5)).networksDue(), "told a step ago: refreshed");
        assertFalse(
                tracker.pending(id, STEP, Duration.ofMinutes(1), T0.plusSeconds(5))
                        .networksDue(),
                "told 5 s ago, refreshed once a minute");

        tracker.record(id, "203.0.113.9", T0.plusSeconds(4));
        u = tracker.usage(id);
        assertTrue(
                tracker.pending(id, STEP, Duration.ofMinutes(1), T0.plusSeconds(4))
                        .networksDue(),
                "a new address is checked at once");
        tracker.record(id, "203.0.113.9", T0.plusSeconds(6));
        assertTrue(tracker.pending(id, STEP, STEP, T0.plusSeconds(6)).due(), "a step past what is stored");
    }

    @Test
    void aWriteThatFailedIsPutBackAndAUseDuringTheWriteIsNotLost() {
        UsageTracker tracker = new UsageTracker();
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        tracker.record(a, "198.51.100.1", T0);
        tracker.record(b, "198.51.100.2", T0);
        List<UUID> taken = tracker.drain();
        assertEquals(Set.of(a, b), Set.copyOf(taken));
        assertEquals(2, taken.size(), "each token once");
        assertEquals(0, tracker.pending());
        tracker.record(a, "198.51.100.1", T0.plusSeconds(1)); // used while the write runs
        tracker.putBack(Set.of(b)); // b's write failed
        assertEquals(2, tracker.pending());
        assertEquals(Set.of(a, b), Set.copyOf(tracker.drain()));
        assertEquals(T0.plusSeconds(1), tracker.usage(a).lastUsedAt());
    }

    @Test
    void theSameAddressesInAnotherOrderAreNotNewButAnotherAddressIs() {
        UsageTracker tracker = new UsageTracker();
        UUID id = UUID.randomUUID();
        tracker.record(id, "198.51.100.1", T0);
        tracker.record(id, "2001:db8::1", T0.plusSeconds(1));
        tracker.pending(id, STEP, Duration.ofMinutes(1), T0.plusSeconds(1)).networksTold(T0.plusSeconds(1));
        tracker.record(id, "198.51.100.1", T0.plusSeconds(2)); // the same two, the other one last now
        assertFalse(
                tracker.pending(id, STEP, Duration.ofMinutes(1), T0.plusSeconds(2))
                        .networksDue(),
                "the same set of addresses, in another order");
        tracker.record(id, "203.0.113.9", T0.plusSeconds(3));
        assertTrue(
                tracker.pending(id, STEP, Duration.ofMinutes(1), T0.plusSeconds(3))
                        .networksDue(),
                "a third address");
        tracker.seed(
                id,
                new UsageTracker.Usage(
                        T0.plusSeconds(4), "10.0.0.9", List.of(new UsageTracker.Seen("10.0.0.9", T0.plusSeconds(4)))));
        tracker.pending(id, STEP, Duration.ofMinutes(1), T0.plusSeconds(4)).networksTold(T0.plusSeconds(4));
        assertFalse(
                tracker.pending(id, STEP, Duration.ofMinutes(1), T0.plusSeconds(5))
                        .networksDue(),
                "one another replica saw, once told");
    }
}
