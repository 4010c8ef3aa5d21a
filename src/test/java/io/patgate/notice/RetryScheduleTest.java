package io.patgate.notice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * When a failed delivery is tried again (Deliverer.retryAt), with the documented defaults: 10 s, then twice as long
 * each time, at most an hour apart, given up after a day (about 30 attempts). Plain JUnit, no Quarkus;
 * {@code WebhooksTest} runs retries against real receivers.
 */
class RetryScheduleTest {

    private static final Duration RETRY_DELAY = Duration.ofSeconds(10);
    private static final Duration MAX_RETRY_DELAY = Duration.ofHours(1);
    private static final Duration RETRY_FOR = Duration.ofDays(1);
    private static final Instant CREATED = Instant.parse("2027-01-31T12:00:00Z");

    private static Instant retryAt(int attempt, Instant now) {
        return Deliverer.retryAt(attempt, CREATED, now, RETRY_DELAY, MAX_RETRY_DELAY, RETRY_FOR);
    }

    @Test
    void theDelayDoublesFromTheRetryDelay() {
        Instant now = CREATED.plusSeconds(1);
        assertEquals(now.plusSeconds(10), retryAt(1, now));
        assertEquals(now.plusSeconds(20), retryAt(2, now));
        assertEquals(now.plusSeconds(40), retryAt(3, now));
        assertEquals(now.plusSeconds(10 * 256), retryAt(9, now));
    }

    @Test
    void theDelayStopsGrowingAtTheMaximum() {
        Instant now = CREATED.plusSeconds(1);
        assertEquals(now.plus(MAX_RETRY_DELAY), retryAt(10, now)); // 10 s x 512 = 85 min: capped at an hour
        assertEquals(now.plus(MAX_RETRY_DELAY), retryAt(64, now)); // however many attempts: no overflow
        assertEquals(now.plus(MAX_RETRY_DELAY), retryAt(Integer.MAX_VALUE, now));
    }

    @Test
    void aDeliveryIsGivenUpOnceTheNextAttemptWouldFallPastTheRetryWindow() {
        Instant late = CREATED.plus(RETRY_FOR).minusSeconds(5);
        assertNull(retryAt(1, late), "10 s later is past the day");
        assertEquals(
                late.plusSeconds(5), retryAt(1, late.minusSeconds(5)), "exactly at the end of the day is still tried");
    }

    @Test
    void withTheDefaultsADeliveryIsTriedAboutThirtyTimesInADay() {
        List<Instant> attempts = new ArrayList<>(List.of(CREATED));
        for (Instant next = retryAt(1, CREATED); next != null; next = retryAt(attempts.size(), next)) {
            attempts.add(next);
        }
        assertTrue(attempts.size() >= 28 && attempts.size() <= 32, "attempts: " + attempts.size());
        assertTrue(!attempts.get(attempts.size() - 1).isAfter(CREATED.plus(RETRY_FOR)));
    }
}
