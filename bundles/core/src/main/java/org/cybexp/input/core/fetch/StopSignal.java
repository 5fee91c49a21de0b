package org.cybexp.input.core.fetch;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/** The stop request of one fetch call, graceful or immediate, that a streaming input can wait on. */
public final class StopSignal {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private boolean requested;
    private boolean immediate;

    /** Asks the fetch to stop; an immediate request cannot be made graceful again. */
    public void request(boolean now) {
        lock.lock();
        try {
            requested = true;
            immediate |= now;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public boolean requested() {
        lock.lock();
        try {
            return requested;
        } finally {
            lock.unlock();
        }
    }

    public boolean immediate() {
        lock.lock();
        try {
            return immediate;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until a stop is requested or the timeout passes; true if requested. */
    public boolean await(Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lock();
        try {
            while (!requested && nanos > 0) {
                nanos = changed.awaitNanos(nanos);
            }
            return requested;
        } finally {
            lock.unlock();
        }
    }
}
