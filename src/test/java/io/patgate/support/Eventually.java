package io.patgate.support;

import java.time.Duration;

/** For what the service does a moment later (a replica syncing, a database coming back): retried, bounded. */
public final class Eventually {

    private Eventually() {}

    /** Runs {@code check} until it passes, every 200 ms; past {@code within}, its last failure is the test's. */
    public static void eventually(Duration within, Runnable check) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            try {
                check.run();
                return;
            } catch (AssertionError | RuntimeException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }
}
