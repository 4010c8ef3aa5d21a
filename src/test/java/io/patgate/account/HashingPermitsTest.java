package io.patgate.account;

import static io.patgate.support.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.patgate.domain.Refusal;
import io.patgate.runtime.HeapRelease;
import io.patgate.web.Problems;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A burst of password hashes costs a bounded amount of heap, and the heap they made grow is given back once
 * hashing is over, not while it runs. Real Argon2id, real threads; no Quarkus.
 */
class HashingPermitsTest {

    private static final Duration LONG_WAIT = Duration.ofSeconds(30);

    @Test
    void aBurstOfRealLoginsRunsAtMostTheAllowedNumberOfHashesAtOnceAndEveryOneIsAnswered() throws Exception {
        HashingPermits memory = new HashingPermits(2, LONG_WAIT, HeapRelease.never());
        PasswordHasher hasher = new PasswordHasher(16384, 2, 1, memory);
        String stored = hasher.hash("the right password");
        AtomicInteger most = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(17);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Boolean>> answers = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                String guess = i % 4 == 0 ? "the right password" : "wrong password " + i;
                answers.add(pool.submit(() -> {
                    go.await();
                    return hasher.verify(guess, stored);
                }));
            }
            Future<?> watch = pool.submit(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    most.accumulateAndGet(memory.running(), Math::max);
                    Thread.onSpinWait();
                }
            });
            go.countDown();
            int right = 0;
            for (Future<Boolean> answer : answers) {
                right += answer.get(60, TimeUnit.SECONDS) ? 1 : 0;
            }
            watch.cancel(true);
            assertEquals(4, right, "every login answered, the right ones right");
        } finally {
            pool.shutdownNow();
        }
        assertEquals(
                2, most.get(), "never more hashes at once than patgate.password.max-concurrent, and that many in use");
        assertEquals(0, memory.running());
    }

    @Test
    void whenNoTurnComesInTimeTheRequestIsRefusedAsBusyWithAHintWhenToComeBack() throws Exception {
        HashingPermits memory = new HashingPermits(1, Duration.ofMillis(200), HeapRelease.never());
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> memory.hash(() -> {
            holding.countDown();
            await(release);
            return "done";
        }));
        assertTrue(holding.await(10, TimeUnit.SECONDS));
        Refusal refused = assertThrows(Refusal.class, () -> memory.hash(() -> "never runs"));
        assertEquals(Refusal.Kind.BUSY, refused.kind());
        assertEquals(2, refused.retryAfterSeconds());
        var problem = Problems.of(refused);
        assertEquals(503, problem.status());
        assertTrue(problem.detail().contains("try again"), problem.detail());
        release.countDown();
        assertEquals("done", first.get(10, TimeUnit.SECONDS));
        assertEquals("next", memory.hash(() -> "next"), "the turn is free again once the first is done");
    }

    @Test
    void theHeapIsGivenBackOnceHashingIsOverNotWhileAHashRuns() throws Exception {
        AtomicInteger collections = new AtomicInteger();
        HeapRelease memoryReturn =
                new HeapRelease(Duration.ofMillis(300), Duration.ofSeconds(2), collections::incrementAndGet);
        HashingPermits memory = new HashingPermits(2, LONG_WAIT, memoryReturn);
        memory.hash(() -> "one");
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<String> running = CompletableFuture.supplyAsync(() -> memory.hash(() -> {
            await(release);
            return "long";
        }));
        Thread.sleep(900);
        assertEquals(0, collections.get(), "no collection while a hash is running");
        release.countDown();
        running.get(10, TimeUnit.SECONDS);
        eventually(
                Duration.ofSeconds(5), () -> assertEquals(1, collections.get(), "one collection once hashing is over"));
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
