package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.cybexp.input.api.SourceInput;
import org.cybexp.input.testkit.InMemoryFetchContext;
import org.cybexp.input.testkit.InMemoryInputStore;
import org.cybexp.input.testkit.LoopbackFeedServer;
import org.cybexp.input.testkit.RunningFetch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The streaming input against a loopback server whose stream ends, or hangs as an idle stream does. */
class ${classPrefix}StreamInputTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String NDJSON = "application/x-ndjson";
    private static final String RECORDS = "{\"id\":1}\n\n{\"id\":2}\nnot json\n{\"id\":3}\n";

    private LoopbackFeedServer server;
    private LoopbackFeedServer.Feed stream;
    private InMemoryInputStore store;
    private SourceInput input;

    @BeforeEach
    void start() throws Exception {
        server = LoopbackFeedServer.start();
        stream = server.feed("/events");
        store = InMemoryInputStore.builder(new ${classPrefix}StreamPlugin()).name("live")
                .properties(Map.of("url", stream.uri().toString(), "checkpoint_every", "2")).build();
        input = store.open();
    }

    @AfterEach
    void stop() {
        input.close();
        server.close();
    }

    @Test
    void aStreamThatEndsIsStoredWhole() throws Exception {
        stream.serve(RECORDS, NDJSON);

        InMemoryFetchContext ctx = store.fetch(input);

        assertEquals(List.of("{\"id\":1}", "{\"id\":2}", "{\"id\":3}"), store.eventTexts());
        assertEquals(List.of("not a JSON object"), ctx.malformedReasons());
        assertEquals("stream ended after 3 records", ctx.progress());
    }

    @Test
    void anImmediateStopEndsAHangingStreamKeepingTheCheckpointedRecords() throws Exception {
        String sent = "{\"id\":1}\n{\"id\":2}\n{\"id\":3}\n";
        stream.serve(sent + "{\"id\":4", NDJSON).hangAfter(sent.length());

        try (RunningFetch running = store.start(input)) {
            assertTrue(running.context().awaitEmitted(3, WAIT), "the input read what was sent");
            running.stopNow();
            assertTrue(running.awaitEnd(WAIT), "the blocked read returned");
        }

        assertEquals(List.of("{\"id\":1}", "{\"id\":2}"), store.eventTexts(), "the third was not checkpointed");
    }

    @Test
    void aReconnectDoesNotPostRecordsTwice() throws Exception {
        stream.serve(RECORDS, NDJSON);
        store.fetch(input);

        stream.serve(RECORDS + "{\"id\":4}\n", NDJSON);
        store.fetch(input);

        assertEquals(4, store.events().size());
        assertEquals(3, store.duplicates());
    }
}
