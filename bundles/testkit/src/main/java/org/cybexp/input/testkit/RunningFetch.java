package org.cybexp.input.testkit;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.cybexp.input.api.SourceInput;

/**
 * A fetch call running on its own thread, started with {@link InMemoryInputStore#start(SourceInput)}: how a
 * test drives a streaming input, or stops a polling one in the middle.
 *
 * <pre>{@code
 * try (RunningFetch running = store.start(input)) {
 *     assertTrue(running.context().awaitEmitted(3, Duration.ofSeconds(5)));
 *     running.stopGracefully();
 *     running.join(Duration.ofSeconds(5));   // rethrows what fetch threw
 * }
 * }</pre>
 *
 * Closing it stops the call immediately and waits for it, so no thread outlives the test.
 *
 * @since 1.0
 */
public final class RunningFetch implements AutoCloseable {

    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

    private final InMemoryFetchContext ctx;
    private final CountDownLatch done = new CountDownLatch(1);
    private final Thread thread;
    private volatile Throwable failure;

    private RunningFetch(InMemoryInputStore store, SourceInput input, InMemoryFetchContext ctx) {
        this.ctx = ctx;
        this.thread = new Thread(() -> run(store, input), "testkit-fetch-" + ctx.config().name());
        thread.setDaemon(true);
    }

    static RunningFetch start(InMemoryInputStore store, SourceInput input, InMemoryFetchContext ctx) {
        RunningFetch running = new RunningFetch(store, input, ctx);
        running.thread.start();
        return running;
    }

    private void run(InMemoryInputStore store, SourceInput input) {
        try {
            store.fetch(input, ctx);
        } catch (Throwable e) {
            failure = e;
        } finally {
            done.countDown();
        }
    }

    /** The call's context: what it emitted and reported so far. */
    public InMemoryFetchContext context() {
        return ctx;
    }

    /** Requests a graceful stop: a streaming input checkpoints and returns. */
    public void stopGracefully() {
        ctx.requestStop();
    }

    /** Requests an immediate stop: resources closed, thread interrupted, unstored work dropped. */
    public void stopNow() {
        ctx.requestStopNow();
    }

    /** Whether the call is still running. */
    public boolean isRunning() {
        return done.getCount() > 0;
    }

    /** Waits until the call ended; false on timeout. */
    public boolean awaitEnd(Duration timeout) throws InterruptedException {
        return done.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** What the call threw, once it ended; empty while running or when it returned normally. */
    public Optional<Throwable> failure() {
        return done.getCount() > 0 ? Optional.empty() : Optional.ofNullable(failure);
    }

    /**
     * Waits for the end of the call and rethrows what it threw.
     *
     * @throws TimeoutException if it is still running after {@code timeout}
     */
    public void join(Duration timeout) throws Exception {
        if (!awaitEnd(timeout)) {
            throw new TimeoutException("the fetch of input '" + ctx.config().name() + "' still runs after "
                    + timeout.toMillis() + " ms");
        }
        Throwable thrown = failure;
        if (thrown instanceof Exception e) {
            throw e;
        }
        if (thrown instanceof Error e) {
            throw e;
        }
    }

    /**
     * Stops the call immediately if it still runs and waits up to 10 s for it.
     *
     * @throws IllegalStateException if it ignores the stop: a plugin must return after an immediate stop
     */
    @Override
    public void close() throws InterruptedException {
        if (isRunning()) {
            stopNow();
            if (!awaitEnd(CLOSE_WAIT)) {
                throw new IllegalStateException("the fetch of input '" + ctx.config().name()
                        + "' ignored an immediate stop for " + CLOSE_WAIT.toSeconds() + " s");
            }
        }
    }
}
