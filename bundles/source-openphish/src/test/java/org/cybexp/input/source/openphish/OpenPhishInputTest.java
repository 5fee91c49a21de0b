package org.cybexp.input.source.openphish;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.cybexp.input.api.Event;
import org.cybexp.input.api.SourceException;
import org.cybexp.input.api.SourceInput;
import org.cybexp.input.api.StopRequestedException;
import org.cybexp.input.testkit.InMemoryFetchContext;
import org.cybexp.input.testkit.InMemoryInputStore;
import org.cybexp.input.testkit.LoopbackFeedServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The input against a real feed server on loopback, through the test kit's in-memory container. */
class OpenPhishInputTest {

    private static final String TEXT = "text/plain; charset=utf-8";

    private LoopbackFeedServer server;
    private LoopbackFeedServer.Feed feed;
    private InMemoryInputStore store;
    private SourceInput input;

    @BeforeEach
    void start() throws Exception {
        server = LoopbackFeedServer.start();
        feed = server.feed("/feed.txt");
        store = InMemoryInputStore.builder(new OpenPhishPlugin()).name("main")
                .properties(Map.of("orgid", "org1", "url", feed.uri().toString())).build();
        input = store.open();
    }

    /** Publishes a new version of the feed (new ETag), as OpenPhish regenerates its file. */
    private LoopbackFeedServer.Feed serve(byte[] content) {
        return feed.serve(content, TEXT);
    }

    @AfterEach
    void stop() {
        input.close();
        server.close();
    }

    private static List<String> lines(Event event) {
        return new String(event.body(), StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void eachPollPostsOnlyTheUrlsNotPostedBefore() throws Exception {
        serve(Fixtures.bytes("feed.txt"));
        InMemoryFetchContext poll1 = store.fetch(input);

        assertEquals(1, store.events().size());
        Event first = store.events().get(0);
        assertArrayEquals(Fixtures.bytes("feed.txt"), first.body(), "all 50 URLs, LF-terminated, in feed order");
        assertEquals(Fixtures.lines("feed.txt"), first.dedupKeys());
        assertEquals("text/plain", first.mediaType());
        assertEquals("50 urls, 50 new", poll1.progress());

        serve(Fixtures.bytes("feed.poll2.txt"));
        InMemoryFetchContext poll2 = store.fetch(input);

        assertEquals(2, store.events().size());
        Event second = store.events().get(1);
        assertArrayEquals(Fixtures.bytes("expected/poll2-added.txt"), second.body());
        assertEquals(Fixtures.lines("expected/poll2-added.txt"), second.dedupKeys());
        assertEquals("50 urls, 10 new", poll2.progress());

        serve(Fixtures.bytes("feed.poll3-identical.txt")); // same bytes, new ETag: a full 200 answer
        InMemoryFetchContext poll3 = store.fetch(input);

        assertEquals(2, store.events().size());
        assertEquals("50 urls, 0 new", poll3.progress());
        assertEquals(3, feed.requests());
        assertEquals(0, feed.notModifiedAnswers());
    }

    @Test
    void anUnchangedFeedIsAnswered304AndEmitsNothing() throws Exception {
        serve(Fixtures.bytes("feed.txt"));
        store.fetch(input);

        InMemoryFetchContext again = store.fetch(input);

        assertEquals(1, feed.notModifiedAnswers());
        assertEquals(1, store.events().size());
        assertEquals("feed not modified since the last fetch", again.progress());
    }

    @Test
    void anHtmlMediaTypeIsRefusedAndNothingIsEmitted() throws Exception {
        feed.serve(Fixtures.bytes("feed.txt"), "text/html; charset=utf-8");

        SourceException refused = assertThrows(SourceException.class, () -> store.fetch(input));

        assertEquals("the feed returned an HTML page, not a URL list", refused.getMessage());
        assertEquals(List.of(), store.events());
        assertEquals(Map.of(), store.committedState(), "the page's ETag must not be kept");
    }

    @Test
    void anHtmlBodyServedAsTextIsRefused() {
        serve(Fixtures.bytes("malformed/html-instead.txt"));

        SourceException refused = assertThrows(SourceException.class, () -> store.fetch(input));

        assertEquals(FeedParser.HTML_PAGE, refused.getMessage());
        assertEquals(List.of(), store.events());
    }

    @Test
    void anEmptyFeedIsNotEverythingRemoved() throws Exception {
        serve(Fixtures.bytes("feed.txt"));
        store.fetch(input);
        serve(Fixtures.bytes("malformed/empty.txt"));

        InMemoryFetchContext empty = store.fetch(input);

        assertEquals("feed was empty", empty.progress());
        assertEquals(1, store.events().size());

        serve(Fixtures.bytes("feed.poll2.txt"));
        store.fetch(input);

        assertEquals(Fixtures.lines("expected/poll2-added.txt"), lines(store.events().get(1)));
    }

    @Test
    void malformedLinesAreReportedAndTheRestPosted() throws Exception {
        serve(Fixtures.bytes("malformed/blank-dup-junk.txt"));

        InMemoryFetchContext ctx = store.fetch(input);

        assertEquals(5, lines(store.events().get(0)).size());
        assertEquals(List.of("line 6: not an http or https URL", "line 7: not an http or https URL"),
                ctx.malformedReasons());
        assertEquals("5 urls, 5 new, 2 malformed", ctx.progress());
    }

    @Test
    void aTokenInTheFeedsQueryNeverShowsInTheError() throws Exception {
        LoopbackFeedServer.Feed mirror = server.feed("/feed.txt?token=s3cr3t-token").failWith(503, null);
        input.close();
        store = InMemoryInputStore.builder(new OpenPhishPlugin()).name("mirror")
                .properties(Map.of("orgid", "org1", "url", mirror.uri().toString())).build();
        input = store.open();

        Exception failed = assertThrows(Exception.class, () -> store.fetch(input));

        assertFalse(failed.getMessage().contains("s3cr3t"), failed.getMessage());
        assertTrue(failed.getMessage().contains("/feed.txt?***"), failed.getMessage());
        assertFalse(input.toString().contains("s3cr3t"), input.toString());
    }

    @Test
    void aFeedOverMaxFeedBytesFailsTheFetchClearlyAndPostsNothing() throws Exception {
        byte[] real = Fixtures.bytes("real/phishfind_openphish_first2100.txt"); // 347 KB of real URLs
        serve(real);
        input.close();
        store = InMemoryInputStore.builder(new OpenPhishPlugin()).name("main")
                .properties(Map.of("orgid", "org1", "url", feed.uri().toString(), "max_feed_bytes", "65536")).build();
        input = store.open();

        SourceException refused = assertThrows(SourceException.class, () -> store.fetch(input));

        assertTrue(refused.getMessage().startsWith("the feed is larger than max_feed_bytes (65536 bytes; "),
                refused.getMessage());
        assertEquals(List.of(), store.events());
        input.close();
        store = InMemoryInputStore.builder(new OpenPhishPlugin()).name("main")
                .properties(Map.of("orgid", "org1", "url", feed.uri().toString())).build();
        input = store.open();
        store.fetch(input);
        assertEquals(1, store.events().size(), "under the default cap, the same feed is posted");
    }

    @Test
    void aBodyCutShortFailsTheFetchAndEmitsNothing() throws Exception {
        byte[] feed = Fixtures.bytes("feed.txt");
        serve(feed).cutAfter(feed.length / 2);

        assertThrows(IOException.class, () -> store.fetch(input));

        assertEquals(List.of(), store.events());
        serve(feed);
        store.fetch(input);
        assertEquals(50, lines(store.events().get(0)).size());
    }

    @Test
    void aStopBeforeTheEndKeepsNeitherUrlsNorTheETag() throws Exception {
        serve(Fixtures.bytes("feed.txt"));
        InMemoryFetchContext stopped = store.newContext();
        stopped.requestStopNow();

        // The call starts stopped: its request is aborted before it is sent, as the container's would be. The
        // container's HttpAccess reports a request aborted while waiting for a connection as the pool's
        // CancellationException; the container discards the failure of an immediately stopped call anyway.
        Exception failed = assertThrows(Exception.class, () -> store.fetch(input, stopped));
        assertTrue(failed instanceof IOException || failed instanceof StopRequestedException
                || failed instanceof CancellationException, () -> "failed with " + failed);
        assertEquals(0, feed.requests(), "nothing was sent");

        assertEquals(List.of(), store.events());
        store.fetch(input);
        assertEquals(0, feed.notModifiedAnswers(), "the next poll must get the feed again");
        assertEquals(50, lines(store.events().get(0)).size());
    }

    @Test
    void anImmediateStopEndsAReadThatHangs() throws Exception {
        byte[] head = "https://a.example/1\nhttps://a.example/2\nnot a url\n".getBytes(StandardCharsets.US_ASCII);
        byte[] feed = ByteBuffer.allocate(head.length + 4).put(head).put("more".getBytes(StandardCharsets.US_ASCII))
                .array();
        serve(feed).hangAfter(head.length);
        InMemoryFetchContext ctx = store.newContext();
        ExecutorService fetcher = Executors.newSingleThreadExecutor();
        try {
            Future<?> call = fetcher.submit(() -> {
                store.fetch(input, ctx);
                return null;
            });
            // The junk line is the last one sent: once it is reported, the input is blocked reading the rest.
            assertTrue(ctx.awaitMalformed(1, Duration.ofSeconds(10)), "the input read the first lines");

            ctx.requestStopNow();

            ExecutionException failed = assertThrows(ExecutionException.class, () -> call.get(5, TimeUnit.SECONDS));
            assertTrue(failed.getCause() instanceof IOException || failed.getCause() instanceof StopRequestedException,
                    () -> "failed with " + failed.getCause());
            assertEquals(List.of(), store.events());
        } finally {
            fetcher.shutdownNow();
        }
    }

    @Test
    void anUnreachableServerFailsTheFetch() {
        server.close();

        Exception failed = assertThrows(Exception.class, () -> store.fetch(input));

        assertInstanceOf(IOException.class, failed);
        assertEquals(List.of(), store.events());
    }
}
