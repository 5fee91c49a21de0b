package org.cybexp.input.source.websocket;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Hands received messages from the websocket library's read thread to the input's fetch thread. Bounded by a
 * budget of chars: when the fetch thread stores slower than frames arrive, the read thread waits, the socket
 * stops being read and TCP slows the sender down; nothing is dropped and the heap stays bounded. A single item
 * larger than the budget is still admitted when the queue is empty, so a big frame cannot block forever.
 * Session ends ({@link Received.Closed}, {@link Received.Failed}) never wait.
 */
final class FrameQueue {

    private final long budget;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Received> items = new ArrayDeque<>();
    private long used;
    private boolean closed;
    private long droppedAfterClose;

    FrameQueue(long budget) {
        this.budget = budget;
    }

    /**
     * Adds a message, waiting while the budget is used up.
     *
     * @return false if the queue was closed (the input stopped reading): the message is dropped
     */
    boolean put(Received item) throws InterruptedException {
        lock.lock();
        try {
            while (!closed && used > 0 && used + item.size() > budget) {
                changed.await();
            }
            if (closed) {
                droppedAfterClose++;
                return false;
            }
            items.addLast(item);
            used += item.size();
            changed.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Adds the end of the session without waiting for the budget; ignored once closed. */
    void end(Received item) {
        lock.lock();
        try {
            if (!closed) {
                items.addLast(item);
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** The next item, waiting at most {@code timeout}; null if none arrived. */
    Received poll(Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lock();
        try {
            while (items.isEmpty() && nanos > 0) {
                nanos = changed.awaitNanos(nanos);
            }
            return take();
        } finally {
            lock.unlock();
        }
    }

    /** The next item if one is there, without waiting. */
    Received pollNow() {
        lock.lock();
        try {
            return take();
        } finally {
            lock.unlock();
        }
    }

    private Received take() {
        Received item = items.pollFirst();
        if (item != null) {
            used -= item.size();
            changed.signalAll();
        }
        return item;
    }

    /** Stops accepting items; a read thread waiting in {@link #put} returns at once. */
    void close() {
        lock.lock();
        try {
            closed = true;
            items.clear();
            used = 0;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Messages that arrived after {@link #close()} and were dropped. */
    long droppedAfterClose() {
        lock.lock();
        try {
            return droppedAfterClose;
        } finally {
            lock.unlock();
        }
    }
}
