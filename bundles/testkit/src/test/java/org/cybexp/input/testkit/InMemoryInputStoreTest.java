package org.cybexp.input.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.cybexp.input.api.Event;
import org.cybexp.input.api.InputConfig;
import org.cybexp.input.api.InvalidConfigException;
import org.cybexp.input.api.SourceInput;
import org.cybexp.input.api.StopRequestedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InMemoryInputStoreTest {

    private final ScriptedPlugin plugin = new ScriptedPlugin();

    private static Event text(String body, String key) {
        return Event.ofText(body, "text/plain").withDedupKey(key);
    }

    @Test
    void aNormalReturnStoresTheEventsAndCommitsTheState() throws Exception {
        InMemoryInputStore store = InMemoryInputStore.of(plugin, Map.of());
        plugin.script(ctx -> {
            ctx.emit(text("a", "a"));
            ctx.state().put("cursor", "1");
            assertEquals(Optional.of("1"), ctx.state().get("cursor"), "reads see staged writes");
        });

        InMemoryFetchContext call = store.fetch(store.open());

        assertEquals(List.of("a"), store.eventTexts());
        assertEquals(Map.of("cursor", "1"), store.committedState());
        assertEquals(1, call.emitted().size());
        assertEquals(Map.of(), call.stagedState());
    }

    @Test
    void aFailureDropsWhatCameAfterTheLastCheckpoint() throws Exception {
        InMemoryInputStore store = InMemoryInputStore.of(plugin, Map.of());
        IOException broken = new IOException("broken");
        plugin.script(ctx -> {
            ctx.emit(text("a", "a"));
            ctx.state().put("cursor", "1");
            ctx.checkpoint();
            ctx.emit(text("b", "b"));
            ctx.state().put("cursor", "2");
            throw broken;
        });

        IOException thrown = assertThrows(IOException.class, () -> store.fetch(store.open()));

        assertSame(broken, thrown, "the plugin's exception, as it is");
        assertEquals(List.of("a"), store.eventTexts());
        assertEquals(Optional.of("1"), store.committed("cursor"));
        assertFalse(store.seen("b"), "a dropped event's key is not seen: the next fetch brings it again");
    }

    @Test
    void dedupKeysAndStateSurviveARestartOfTheInput() throws Exception {
        InMemoryInputStore store = InMemoryInputStore.of(plugin, Map.of());
        plugin.script(ctx -> {
            ctx.emit(text("a", "a"));
            ctx.emit(text("a again", "a"));
            ctx.state().put("cursor", ctx.state().get("cursor").orElse("") + "x");
        });
        SourceInput first = store.open();
        InMemoryFetchContext call1 = store.fetch(first);
        first.close();

        InMemoryFetchContext call2 = store.fetch(store.open());

        assertEquals(List.of("a"), store.eventTexts());
        assertEquals(1, call1.duplicates(), "the second emit of a key in the same call");
        assertEquals(2, call2.duplicates());
        assertEquals(3, store.duplicates());
        assertEquals(Optional.of("xx"), store.committed("cursor"));
    }

    @Test
    void anEventIsDroppedOnlyWhenAllItsKeysWereSeen() throws Exception {
        InMemoryInputStore store = InMemoryInputStore.of(plugin, Map.of());
        plugin.script(ctx -> {
            ctx.emit(Event.ofText("1", "text/plain").withDedupKeys(List.of("u1", "u2")));
            ctx.emit(Event.ofText("2", "text/plain").withDedupKeys(List.of("u2", "u3")));
            ctx.emit(Event.ofText("3", "text/plain").withDedupKeys(List.of("u1", "u3")));
            ctx.emit(Event.ofText("no keys", "text/plain"));
            ctx.emit(Event.ofText("no keys", "text/plain"));
        });

        store.fetch(store.open());

        assertEquals(List.of("1", "2", "no keys", "no keys"), store.eventTexts());
        assertEquals(1, store.duplicates());
    }

    @Test
    void fullBatchesAreStoredBeforeTheCheckpointButTheStateWaits() throws Exception {
        InMemoryInputStore store = InMemoryInputStore.builder(plugin).batchLimits(2, Long.MAX_VALUE).build();
        plugin.script(ctx -> {
            for (int i = 0; i < 5; i++) {
                ctx.emit(text("e" + i, "k" + i));
            }
            ctx.state().put("cursor", "5");
            throw new IOException("fails after five");
        });

        assertThrows(IOException.class, () -> store.fetch(store.open()));

        assertEquals(List.of("e0", "e1", "e2", "e3"), store.eventTexts(), "two full batches were stored");
        assertEquals(Map.of(), store.committedState());
    }

    @Test
    void anImmediateStopBeforeTheCallRefusesEmitsAndLeavesTheThreadUninterrupted() throws Exception {
        InMemoryInputStore store = InMemoryInputStore.of(plugin, Map.of());
        plugin.script(ctx -> {
            assertTrue(Thread.currentThread().isInterrupted(), "the core interrupts the fetching thread");
            assertTrue(ctx.stopNow());
            ctx.emit(text("a", "a"));
        });
        InMemoryFetchContext ctx = store.newContext();
        ctx.requestStopNow();

        assertThrows(StopRequestedException.class, () -> store.fetch(store.open(), ctx));

        assertFalse(Thread.interrupted(), "the kit's interrupt must not leak into the test thread");
        assertEquals(List.of(), store.events());
    }

    @Test
    void aReturnAfterAnImmediateStopKeepsNothingSinceTheCheckpoint() throws Exception {
        InMemoryInputStore store = InMemoryInputStore.of(plugin, Map.of());
        InMemoryFetchContext ctx = store.newContext();
        plugin.script(call -> {
            call.emit(text("a", "a"));
            call.checkpoint();
            call.emit(text("b", "b"));
            call.state().put("cursor", "b");
            ctx.requestStopNow();
            assertThrows(StopRequestedException.class, call::checkpoint);
        });

        store.fetch(store.open(), ctx);

        assertEquals(List.of("a"), store.eventTexts());
        assertEquals(Map.of(), store.committedState());
        assertThrows(IllegalStateException.class, () -> store.fetch(store.open(), ctx), "one call per context");
    }

    @Test
    void failingWritesFailTheCheckpointAndCommitNothing() throws Exception {
        InMemoryInputStore store = InMemoryInputStore.of(plugin, Map.of());
        store.failWrites(true);
        plugin.script(ctx -> {
            ctx.emit(text("a", "a"));
            ctx.state().put("cursor", "1");
        });

        assertThrows(UncheckedIOException.class, () -> store.fetch(store.open()));
        store.failWrites(false);

        assertEquals(List.of(), store.events());
        assertEquals(Map.of(), store.committedState());
    }

    @Test
    void malformedRecordsAndProgressAreCountedOverCalls() throws Exception {
        InMemoryInputStore store = InMemoryInputStore.of(plugin, Map.of());
        plugin.script(ctx -> {
            ctx.malformed("line 1: not a URL", "junk".getBytes());
            ctx.progress("1 malformed");
        });
        SourceInput input = store.open();

        InMemoryFetchContext call = store.fetch(input);
        store.fetch(input);

        assertEquals(List.of("line 1: not a URL"), call.malformedReasons());
        assertEquals("1 malformed", call.progress());
        assertEquals(2, store.malformed());
        assertEquals("1 malformed", store.progress());
    }

    @Test
    void resourcesAreClosedWhenTheCallEnds() throws Exception {
        InMemoryInputStore store = InMemoryInputStore.of(plugin, Map.of());
        boolean[] closed = new boolean[1];
        plugin.script(ctx -> ctx.closeOnStop(() -> closed[0] = true));

        InMemoryFetchContext call = store.fetch(store.open());

        assertTrue(closed[0]);
        assertEquals(0, call.openResources());
    }

    @Test
    void theConfigurationIsCheckedAndDefaultedLikeTheContainerDoes() throws Exception {
        InMemoryInputStore store = InMemoryInputStore.builder(plugin).name("main")
                .properties(Map.of("seconds_between_fetches", "60", "timezone", "Europe/Berlin", "url", "x"))
                .build();

        InputConfig config = store.config();
        assertEquals("main", config.name());
        assertEquals("test-org", config.orgid());
        assertEquals("scripted-tag", config.typetag());
        assertEquals(Duration.ofSeconds(60), config.period());
        assertEquals(ZoneId.of("Europe/Berlin"), config.timezone());
        assertEquals(Optional.of("x"), config.get("url"));

        InvalidConfigException refused = assertThrows(InvalidConfigException.class,
                () -> store.reconfigure(Map.of("period", "-1")));
        assertEquals("period", refused.key());
        assertEquals(Duration.ofSeconds(60), store.config().period(), "the old configuration stays");
        assertEquals(Duration.ofSeconds(600), InputConfigs.of(plugin, "x", Map.of("orgid", "o")).period());
        assertEquals("orgid", assertThrows(InvalidConfigException.class,
                () -> InputConfigs.of(plugin, "x", Map.of())).key());
    }

    @Test
    void referencesAreResolvedAndTheCoresKeysCheckedLikeTheContainerDoes(@TempDir Path dir) throws Exception {
        Path keyFile = Files.writeString(dir.resolve("api.key"), "s3cret\n");

        InputConfig config = InputConfigs.of(plugin, "x", Map.of("orgid", "o", "api_key", "${file:" + keyFile + "}"));

        assertEquals("s3cret", config.getSecret("api_key").reveal());
        assertEquals("http_timeout", assertThrows(InvalidConfigException.class,
                () -> InputConfigs.of(plugin, "x", Map.of("orgid", "o", "http_timeout", "0"))).key());
        assertEquals("dedup_ttl_days", assertThrows(InvalidConfigException.class,
                () -> InMemoryInputStore.of(plugin, Map.of("dedup_ttl_days", "0"))).key());
    }

    @Test
    void theStateCarriesTheCoresCommitNumberButCommittedStateLeavesItOut() throws Exception {
        InMemoryInputStore store = InMemoryInputStore.of(plugin, Map.of());
        plugin.script(ctx -> ctx.state().put("cursor", "1"));
        store.fetch(store.open());
        List<Optional<String>> seen = new ArrayList<>();
        plugin.script(ctx -> seen.add(ctx.state().get("commit.seq")));

        store.fetch(store.open());

        assertEquals(List.of(Optional.of("1")), seen, "the core numbers the commits it applied");
        assertEquals(Map.of("cursor", "1"), store.committedState());
    }
}
