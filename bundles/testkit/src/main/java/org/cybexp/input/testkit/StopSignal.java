package org.cybexp.input.testkit;

import java.time.Duration;

/** The stop request of one fetch call, graceful or immediate, that a streaming input can wait on. */
final class StopSignal {

    private boolean requested;
    private boolean immediate;

    /** An immediate request cannot be made graceful again. */
    synchronized void request(boolean now) {
        requested = true;
        immediate |= now;
        notifyAll();
    }

    synchronized boolean requested() {
        return requested;
    }

    synchronized boolean immediate() {
        return immediate;
    }

    synchronized boolean await(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long left = timeout.toNanos();
        while (!requested && left > 0) {
            wait(Math.max(1, left / 1_000_000), 0);
            left = deadline - System.nanoTime();
        }
        return requested;
    }
}
