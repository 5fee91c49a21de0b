package org.cybexp.input.source.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class FrameQueueTest {

    private static Received.Text text(int chars) {
        return new Received.Text("x".repeat(chars));
    }

    @Test
    void aFullQueueHoldsTheReaderBackUntilTheFetchThreadTakes() throws Exception {
        FrameQueue queue = new FrameQueue(10);
        assertTrue(queue.put(text(6)));
        CompletableFuture<Boolean> blocked = CompletableFuture.supplyAsync(() -> put(queue, text(6)));

        assertFalse(blocked.isDone() && blocked.getNow(false), "over the budget: waits");
        assertEquals(6, ((Received.Text) queue.poll(Duration.ofSeconds(5))).text().length());
        assertTrue(blocked.get(5, TimeUnit.SECONDS), "admitted once there was room");
        assertEquals(6, ((Received.Text) queue.pollNow()).text().length());
    }

    @Test
    void anItemLargerThanTheBudgetPassesAnEmptyQueue() throws Exception {
        FrameQueue queue = new FrameQueue(10);
        assertTrue(queue.put(text(100)));
        assertEquals(100, ((Received.Text) queue.pollNow()).text().length());
    }

    @Test
    void theEndOfTheSessionNeverWaits() throws Exception {
        FrameQueue queue = new FrameQueue(10);
        queue.put(text(10));
        queue.end(new Received.Closed(1001, "going away"));
        assertEquals(10, ((Received.Text) queue.pollNow()).text().length());
        assertEquals(new Received.Closed(1001, "going away"), queue.pollNow());
        assertNull(queue.poll(Duration.ofMillis(1)));
    }

    @Test
    void closingReleasesAWaitingReaderAndDropsLaterItems() throws Exception {
        FrameQueue queue = new FrameQueue(10);
        queue.put(text(10));
        CompletableFuture<Boolean> blocked = CompletableFuture.supplyAsync(() -> put(queue, text(5)));
        queue.close();
        assertFalse(blocked.get(5, TimeUnit.SECONDS));
        assertFalse(queue.put(text(1)));
        assertEquals(2, queue.droppedAfterClose());
        assertNull(queue.pollNow());
    }

    private static boolean put(FrameQueue queue, Received item) {
        try {
            return queue.put(item);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
