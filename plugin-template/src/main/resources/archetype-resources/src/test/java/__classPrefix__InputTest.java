package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.cybexp.input.api.HttpStatusException;
import org.cybexp.input.api.SourceException;
import org.cybexp.input.api.SourceInput;
import org.cybexp.input.testkit.InMemoryFetchContext;
import org.cybexp.input.testkit.InMemoryInputStore;
import org.cybexp.input.testkit.LoopbackFeedServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The polling input against a real HTTP server on 127.0.0.1, run by the test kit's in-memory container with
 * the container's rules: events stored and state committed when a fetch returns, dropped when it throws.
 */
class ${classPrefix}InputTest {

    private static final String TEXT = "text/plain";
    private static final String API_KEY = "k3y-that-must-not-leak";

    private LoopbackFeedServer server;
    private LoopbackFeedServer.Feed feed;
    private InMemoryInputStore store;
    private SourceInput input;

    @BeforeEach
    void start() throws Exception {
        server = LoopbackFeedServer.start();
        feed = server.feed("/indicators.txt");
        store = InMemoryInputStore.builder(new ${classPrefix}Plugin()).name("main")
                .properties(Map.of("url", feed.uri().toString(), "api_key", API_KEY, "max_line_length", "40"))
                .build();
        input = store.open();
    }

    @AfterEach
    void stop() {
        input.close();
        server.close();
    }

    @Test
    void eachPollPostsOnlyTheIndicatorsNotPostedBefore() throws Exception {
        feed.serve("# a comment\nevil.example\n\n198.51.100.7\n", TEXT);
        InMemoryFetchContext first = store.fetch(input);

        feed.serve("evil.example\n198.51.100.7\nworse.example\n", TEXT);
        InMemoryFetchContext second = store.fetch(input);

        assertEquals(List.of("evil.example", "198.51.100.7", "worse.example"), store.eventTexts());
        assertEquals("2 records, 2 new", first.progress());
        assertEquals("3 records, 1 new", second.progress());
        assertEquals(2, store.duplicates());
    }

    @Test
    void anUnchangedFeedCostsA304AndPostsNothing() throws Exception {
        feed.serve("evil.example\n", TEXT);
        store.fetch(input);

        InMemoryFetchContext again = store.fetch(input);

        assertEquals(1, feed.notModifiedAnswers());
        assertEquals(1, store.events().size());
        assertEquals("feed not modified since the last fetch", again.progress());
    }

    @Test
    void overlongLinesAreSkippedAsMalformed() throws Exception {
        feed.serve("ok.example\n" + "x".repeat(41) + "\n", TEXT);

        InMemoryFetchContext poll = store.fetch(input);

        assertEquals(List.of("ok.example"), store.eventTexts());
        assertEquals(List.of("line 2: longer than 40 characters"), poll.malformedReasons());
        assertEquals("1 records, 1 new, 1 malformed", poll.progress());
    }

    @Test
    void anHtmlPageFailsTheFetchAndItsValidatorIsNotKept() throws Exception {
        feed.serve("<html><body>Please log in</body></html>", "text/html");

        SourceException refused = assertThrows(SourceException.class, () -> store.fetch(input));

        assertEquals("the feed returned an HTML page, not a list of indicators", refused.getMessage());
        assertEquals(List.of(), store.events());
        assertEquals(Map.of(), store.committedState());
    }

    @Test
    void theApiKeyIsSentButNeverShown() throws Exception {
        feed.failWith(401, null);

        HttpStatusException refused = assertThrows(HttpStatusException.class, () -> store.fetch(input));

        assertEquals(Optional.of(API_KEY), feed.lastRequest().orElseThrow().header("Authorization"));
        assertEquals(401, refused.status());
        assertFalse(refused.getMessage().contains(API_KEY), refused.getMessage());
        assertFalse(input.toString().contains(API_KEY) || store.config().toString().contains(API_KEY));
        assertTrue(store.config().toString().contains("api_key=***"), store.config().toString());
    }
}
