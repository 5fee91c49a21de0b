package org.cybexp.input.core.fetch;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import org.cybexp.input.api.EmitResult;
import org.cybexp.input.api.Event;
import org.cybexp.input.api.StopRequestedException;

/**
 * The queue behind {@code emitDurably}: callers only enqueue (they never block, so a Netty event loop can call
 * it), one storing thread takes everything queued since its last store and hands it to the context as one
 * group, stored with one fsync. While a store runs, new events queue up and form the next group, so the more
 * threads emit, the more events share an fsync.
 */
final class DurableEmits {

    /** An event waiting to be stored and the stage its emitter holds. */
    record Pending(Event event, CompletableFuture<EmitResult> result) {
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition queued = lock.newCondition();
    private final String threadName;
    private final Consumer<List<Pending>> store;
    // guarded by lock
    private List<Pending> queue = new ArrayList<>();
    private Thread storer;
    private boolean closed;

    /** @param store stores a group and completes its stages; runs on the storing thread only */
    DurableEmits(String threadName, Consumer<List<Pending>> store) {
        this.threadName = threadName;
        this.store = store;
    }

    CompletableFuture<EmitResult> submit(Event event) {
        CompletableFuture<EmitResult> result = new CompletableFuture<>();
        lock.lock();
        try {
            if (closed) {
                result.completeExceptionally(new StopRequestedException());
                return result;
            }
            queue.add(new Pending(event, result));
            if (storer == null) {
                storer = new Thread(this::run, threadName);
                storer.setDaemon(true);
                storer.start();
            }
            queued.signal();
        } finally {
            lock.unlock();
        }
        return result;
    }

    private void run() {
        while (true) {
            List<Pending> group = next();
            if (group == null) {
                return;
            }
            try {
                store.accept(group);
            } catch (RuntimeException e) {
                group.forEach(p -> p.result.completeExceptionally(e));
            }
        }
    }

    /** Waits for events; null once closed and drained. */
    private List<Pending> next() {
        lock.lock();
        try {
            while (queue.isEmpty() && !closed) {
                queued.awaitUninterruptibly();
            }
            if (queue.isEmpty()) {
                return null;
            }
            List<Pending> group = queue;
            queue = new ArrayList<>();
            return group;
        } finally {
            lock.unlock();
        }
    }

    /**
     * No more events are taken; those still queued are stored by the storing thread (which refuses them once
     * the call has ended) before it ends. Waits for it, so no stage is left open when the call is over.
     */
    void close() {
        Thread running;
        lock.lock();
        try {
            closed = true;
            queued.signalAll();
            running = storer;
        } finally {
            lock.unlock();
        }
        if (running != null && running != Thread.currentThread()) {
            try {
                running.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
