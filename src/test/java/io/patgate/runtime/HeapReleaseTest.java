package io.patgate.runtime;

import static io.patgate.support.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** One collection once heap-growing work is over, never during it, never more often than its budget allows. No Quarkus. */
class HeapReleaseTest {

    @Test
    void oneCollectionOnceTheWorkIsOverAndNotAgainWithinTheInterval() throws Exception {
        AtomicInteger collections = new AtomicInteger();
        HeapRelease memoryReturn =
                new HeapRelease(Duration.ofMillis(300), Duration.ofSeconds(2), collections::incrementAndGet);
        try {
            HeapRelease.Burst first = memoryReturn.begin();
            HeapRelease.Burst second = memoryReturn.begin();
            first.end();
            Thread.sleep(800);
            assertEquals(0, collections.get(), "not while other work is still running");
            second.end();
            second.end(); // ending twice counts once
            eventually(Duration.ofSeconds(5), () -> assertEquals(1, collections.get()));
            for (int i = 0; i < 5; i++) {
                memoryReturn.begin().end();
            }
            Thread.sleep(800);
            assertEquals(1, collections.get(), "not again within the least interval");
            eventually(
                    Duration.ofSeconds(5),
                    () -> assertEquals(2, collections.get(), "then once for all the work since"));
            Thread.sleep(2_500);
            assertEquals(2, collections.get(), "no work since, no collection since");
        } finally {
            memoryReturn.stop();
        }
    }

    @Test
    void aLongPauseSpacesTheNextOneOutToStayWithinOnePercentOfTheTime() throws Exception {
        AtomicInteger collections = new AtomicInteger();
        HeapRelease memoryReturn = new HeapRelease(Duration.ofMillis(100), Duration.ofMillis(100), () -> {
            collections.incrementAndGet();
            try {
                Thread.sleep(50); // a 50 ms pause: the next is at least 5 s later
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            memoryReturn.begin().end();
            eventually(Duration.ofSeconds(3), () -> assertEquals(1, collections.get()));
            memoryReturn.begin().end();
            Thread.sleep(3_000);
            assertEquals(1, collections.get(), "a hundred times the pause has not passed yet");
            eventually(Duration.ofSeconds(5), () -> assertEquals(2, collections.get()));
        } finally {
            memoryReturn.stop();
        }
    }

    @Test
    void turnedOffNothingIsEverCollected() throws Exception {
        AtomicInteger collections = new AtomicInteger();
        HeapRelease memoryReturn = new HeapRelease(Duration.ZERO, Duration.ZERO, collections::incrementAndGet);
        memoryReturn.begin().end();
        Thread.sleep(500);
        assertEquals(0, collections.get());
    }
}
