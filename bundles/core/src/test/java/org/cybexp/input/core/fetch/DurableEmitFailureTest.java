package org.cybexp.input.core.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.cybexp.input.api.Event;
import org.cybexp.input.api.InputConfig;
import org.cybexp.input.api.Network;
import org.cybexp.input.core.http.HttpClientSettings;
import org.cybexp.input.core.http.InputHttpSettings;
import org.cybexp.input.core.network.InputNetwork;
import org.cybexp.input.core.network.ServerTlsSettings;
import org.cybexp.input.core.store.DedupStore;
import org.cybexp.input.core.store.StateStore;
import org.cybexp.input.core.testing.Configs;
import org.cybexp.input.core.testing.DirEventStore;
import org.cybexp.input.core.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A durable emit whose store fails must not take with it the events buffered by {@code emit} before it: the
 * context stores them in the same append, and discards them when the append fails, although their emitter was
 * never told. The next {@code checkpoint()} then finds nothing pending, succeeds, and commits the staged state
 * (the cursor) past events that were never stored: they are lost. The context now fails that checkpoint, so the
 * fetch fails and the next one starts from the last committed cursor.
 */
class DurableEmitFailureTest {

    private static final Network NETWORK = new InputNetwork(new InputHttpSettings(HttpClientSettings.DEFAULT,
            "ua-test/1", Duration.ofSeconds(10)), ServerTlsSettings.NONE);

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2024-01-01T00:00:00Z"));
    private final InputConfig config = Configs.input("feed", 60);
    private DirEventStore outbox;
    private StateStore state;
    private DedupStore dedup;

    @BeforeEach
    void openStores() throws Exception {
        outbox = new DirEventStore(dir.resolve("outbox"));
        state = StateStore.open(dir.resolve("state"));
        dedup = DedupStore.open(dir.resolve("state"), 180, clock);
    }

    @AfterEach
    void closeStores() throws Exception {
        dedup.close();
    }

    @Test
    void aFailedDurableEmitLosesNoEventBufferedByEmit() throws Exception {
        InputFetchContext ctx = new InputFetchContext(config, outbox, dedup, state, new FetchCounters(), clock,
                HttpAccessProvider.of(NETWORK, (s, r) -> {
                    throw new AssertionError("no HTTP here");
                }));
        ctx.emit(Event.ofText("buffered", "text/plain"));
        ctx.state().put("cursor", "after-buffered");

        outbox.failing(true); // a full disk, for one append
        CompletableFuture<?> durable = ctx.emitDurably(Event.ofText("durable", "text/plain")).toCompletableFuture();
        ExecutionException failed = assertThrows(ExecutionException.class, () -> durable.get(10, TimeUnit.SECONDS));
        assertTrue(failed.getCause() instanceof UncheckedIOException, failed.toString());
        outbox.failing(false);

        // Either the buffered event is stored now, or the checkpoint fails: never a committed cursor without it.
        try {
            ctx.checkpoint();
        } catch (UncheckedIOException told) {
            assertTrue(state.get("cursor").isEmpty(), "no cursor committed past the lost event");
            return;
        } finally {
            ctx.end();
        }
        assertEquals(List.of("buffered"), outbox.stored(config.name()),
                "the cursor was committed: " + state.get("cursor"));
    }
}
