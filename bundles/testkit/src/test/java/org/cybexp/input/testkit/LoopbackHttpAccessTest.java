package org.cybexp.input.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import org.cybexp.input.api.Event;
import org.cybexp.input.api.FetchContext;
import org.cybexp.input.api.HttpRequest;
import org.cybexp.input.api.HttpResult;
import org.cybexp.input.api.HttpStatusException;
import org.cybexp.input.api.Secret;
import org.cybexp.input.api.SourceInput;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kit's HTTP access against its feed server: what plugins rely on from the container's. */
class LoopbackHttpAccessTest {

    private final ScriptedPlugin plugin = new ScriptedPlugin();
    private LoopbackFeedServer server;
    private InMemoryInputStore store;
    private SourceInput input;

    @BeforeEach
    void start() throws Exception {
        server = LoopbackFeedServer.start();
        store = InMemoryInputStore.of(plugin, Map.of());
        input = store.open();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** A poll that emits the body of a conditional GET, or nothing on 304. */
    private void pollConditionally(URI uri) {
        plugin.script(ctx -> {
            try (HttpResult answer = ctx.http().send(HttpRequest.get(uri).conditional())) {
                if (!answer.notModified()) {
                    ctx.emit(Event.of(answer.body().readAllBytes(), answer.mediaType().orElse("?")));
                }
            }
        });
    }

    @Test
    void aConditionalGetIsAnswered304OnceTheValidatorIsCommitted() throws Exception {
        LoopbackFeedServer.Feed feed = server.feed("/feed.txt").serve("v1\n", "text/plain");
        pollConditionally(feed.uri());

        store.fetch(input);
        store.fetch(input);
        feed.serve("v2\n", "text/plain");
        store.fetch(input);

        assertEquals(List.of("v1\n", "v2\n"), store.eventTexts());
        assertEquals("text/plain", store.events().get(0).mediaType());
        assertEquals(1, feed.notModifiedAnswers());
        assertEquals(Optional.of("\"v1\""), feed.requestLog().get(1).header("If-None-Match"));
    }

    @Test
    void theContentTypeKeepsItsParametersTheMediaTypeDropsThem() throws Exception {
        LoopbackFeedServer.Feed feed = server.feed("/latin1.txt").serve("caf\u00e9\n".getBytes(
                StandardCharsets.ISO_8859_1), "text/plain; charset=ISO-8859-1");
        AtomicReference<String> seen = new AtomicReference<>();
        plugin.script(ctx -> {
            try (HttpResult answer = ctx.http().send(HttpRequest.get(feed.uri()))) {
                seen.set(answer.mediaType().orElse("?") + " | " + answer.contentType().orElse("?"));
            }
        });

        store.fetch(input);

        assertEquals("text/plain | text/plain; charset=ISO-8859-1", seen.get());
    }

    @Test
    void lastModifiedAloneIsSentBackAsIfModifiedSince() throws Exception {
        LoopbackFeedServer.Feed feed = server.feed("/feed.txt").validators(false, true).serve("v1", "text/plain");
        pollConditionally(feed.uri());

        store.fetch(input);
        store.fetch(input);

        assertEquals(1, feed.notModifiedAnswers());
        assertTrue(feed.lastRequest().orElseThrow().header("If-Modified-Since").isPresent());
        assertFalse(feed.lastRequest().orElseThrow().header("If-None-Match").isPresent());
    }

    @Test
    void theValidatorOfAFailedCallIsNotKept() throws Exception {
        LoopbackFeedServer.Feed feed = server.feed("/feed.txt").serve("v1", "text/plain");
        plugin.script(ctx -> {
            ctx.http().send(HttpRequest.get(feed.uri()).conditional()).close();
            throw new IOException("parsing failed");
        });
        assertThrows(IOException.class, () -> store.fetch(input));
        pollConditionally(feed.uri());

        store.fetch(input);

        assertEquals(0, feed.notModifiedAnswers(), "the next poll downloads again");
        assertEquals(List.of("v1"), store.eventTexts());
    }

    @Test
    void anErrorStatusThrowsWithRetryAfterAndAMaskedUrl() throws Exception {
        Secret key = Secret.of("k3y-s3cr3t");
        LoopbackFeedServer.Feed feed = server.feed("/data/" + key.reveal() + "/dump.json").failWith(429, "120");
        AtomicReference<HttpStatusException> thrown = new AtomicReference<>();
        plugin.script(ctx -> thrown.set(assertThrows(HttpStatusException.class,
                () -> ctx.http().send(HttpRequest.get(feed.uri()).secretInUri(key)))));

        store.fetch(input);

        assertEquals(429, thrown.get().status());
        assertEquals(Optional.of(Duration.ofSeconds(120)), thrown.get().retryAfter());
        assertTrue(thrown.get().getMessage().contains("answered 429 Too Many Requests"), thrown.get().getMessage());
        assertFalse(thrown.get().getMessage().contains(key.reveal()), thrown.get().getMessage());
    }

    @Test
    void onlyLoopbackIsReachedWithoutEvenResolvingOtherNames() {
        LoopbackHttpAccess http = new LoopbackHttpAccess(store.newContext().state());

        IOException refused = assertThrows(IOException.class,
                () -> http.send(HttpRequest.get(URI.create("https://feeds.example.com/list.txt"))));

        assertTrue(refused.getMessage().contains("loopback addresses only"), refused.getMessage());
    }

    @Test
    void aRedirectAwayFromLoopbackIsRefusedBeforeAnyLookup() throws Exception {
        LoopbackFeedServer.Feed away = server.feed("/away").redirectTo("http://feeds.example.invalid/list.txt");
        AtomicReference<IOException> thrown = new AtomicReference<>();
        plugin.script(ctx -> thrown.set(assertThrows(IOException.class,
                () -> ctx.http().send(HttpRequest.get(away.uri())))));

        store.fetch(input);

        assertEquals(1, away.requests(), "the loopback hop was made");
        assertTrue(thrown.get().getMessage().contains("loopback addresses only"), thrown.get().getMessage());
    }

    @Test
    void redirectsAreFollowedAndPostBodiesArrive() throws Exception {
        server.feed("/old").redirectTo("/new");
        LoopbackFeedServer.Feed target = server.feed("/new").serve("[]", "application/json");
        LoopbackFeedServer.Feed api = server.feed("/events/restSearch").serve("{}", "application/json");
        plugin.script(ctx -> {
            try (HttpResult moved = ctx.http().send(HttpRequest.get(server.baseUri().resolve("/old")))) {
                assertEquals("[]", new String(moved.body().readAllBytes(), StandardCharsets.UTF_8));
            }
            ctx.http().send(HttpRequest.post(api.uri(), "{\"page\":1}".getBytes(StandardCharsets.UTF_8),
                    "application/json").header("Authorization", "key")).close();
        });

        store.fetch(input);

        assertEquals(1, target.requests());
        LoopbackFeedServer.Request post = api.lastRequest().orElseThrow();
        assertEquals("POST", post.method());
        assertEquals("{\"page\":1}", post.bodyText());
        assertEquals(Optional.of("key"), post.header("authorization"));
    }

    @Test
    void fileUrlsAreReadAndUnchangedFilesAnswered304(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("feed.txt"), "one\n");
        pollConditionally(file.toUri());

        store.fetch(input);
        store.fetch(input);
        Files.writeString(file, "one\ntwo\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        store.fetch(input);

        assertEquals(List.of("one\n", "one\ntwo\n"), store.eventTexts());
        assertEquals("text/plain", store.events().get(0).mediaType());
    }

    @Test
    void anImmediateStopEndsAReadThatHangs() throws Exception {
        LoopbackFeedServer.Feed feed = server.feed("/stream").serve("first part|rest", "text/plain").hangAfter(11);
        plugin.script(ctx -> readAll(ctx, feed.uri()));

        try (RunningFetch running = store.start(input)) {
            assertTrue(feed.awaitHanging(Duration.ofSeconds(10)));
            running.stopNow();

            assertTrue(running.awaitEnd(Duration.ofSeconds(10)), "the blocked read returned");
            assertTrue(running.failure().orElseThrow() instanceof IOException, () -> "" + running.failure());
            assertEquals(0, running.context().openResources());
        }
    }

    private static void readAll(FetchContext ctx, URI uri) throws Exception {
        try (HttpResult answer = ctx.http().send(HttpRequest.get(uri)); InputStream body = answer.body()) {
            body.readAllBytes();
        }
    }
}
