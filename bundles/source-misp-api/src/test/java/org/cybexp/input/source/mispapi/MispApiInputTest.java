package org.cybexp.input.source.mispapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.cybexp.input.api.HttpStatusException;
import org.cybexp.input.api.SourceException;
import org.cybexp.input.api.SourceInput;
import org.cybexp.input.source.misp.LargeMispEvent;
import org.cybexp.input.source.misp.MispFixtures;
import org.cybexp.input.source.mispapi.FakeMisp.Reply;
import org.cybexp.input.testkit.InMemoryFetchContext;
import org.cybexp.input.testkit.InMemoryInputStore;
import org.cybexp.input.testkit.TestClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The input against a MISP server on loopback speaking restSearch's wire format, through the test kit. */
class MispApiInputTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The key of the fixtures' request head: 40 characters, sent raw. */
    private static final String KEY = "0123456789abcdefghijABCDEFGHIJ0123456789";
    /** The cursor of the fixtures' first poll: with a 30 day look-back, the clock stands 30 days later. */
    private static final long FROM = 1714435199;
    private static final List<String> POLL1 = MispFixtures.eventIds("export/restsearch-download.json");
    private static final List<String> POLL2_NEW = List.of("70ef1b31-815a-443c-b54a-1d6189a5cce9:1714459292",
            "7939e761-d3d6-453f-80a2-096e93b2e0af:1714459892");

    private FakeMisp misp;
    private TestClock clock;
    private InMemoryInputStore store;
    private SourceInput input;

    @BeforeEach
    void start() throws Exception {
        misp = FakeMisp.start(KEY);
        clock = TestClock.at(Instant.ofEpochSecond(FROM).plus(Duration.ofDays(30)));
        store = storeWith(Map.of());
        input = store.open();
    }

    private InMemoryInputStore storeWith(Map<String, String> overrides) throws Exception {
        Map<String, String> properties = new HashMap<>(Map.of("url", misp.baseUri().toString(), "api_key", KEY,
                "orgs", "SYNTH-CERT", "limit", "5"));
        properties.putAll(overrides);
        return InMemoryInputStore.builder(new MispApiPlugin()).name("main").clock(clock).properties(properties)
                .build();
    }

    @AfterEach
    void stop() {
        input.close();
        misp.close();
    }

    private List<String> stored() {
        return store.events().stream().map(e -> MispFixtures.eventId(e.body())).toList();
    }

    private static JsonNode fixtureJson(String name) throws IOException {
        return JSON.readTree(MispFixtures.bytes(name));
    }

    /** Serves the first poll's two pages, as MISP answers them. */
    private void serveFirstPoll() {
        misp.pages(7, "restsearch/response.page1.json", "restsearch/response.page2.json");
    }

    @Test
    void theFirstPollPagesThroughWithOneCursorAndPostsEachEventAsItsEventJson() throws Exception {
        serveFirstPoll();

        InMemoryFetchContext poll = store.fetch(input);

        List<FakeMisp.Request> requests = misp.requests();
        assertEquals(2, requests.size(), "page 2 held fewer than limit events: the last one");
        assertEquals(fixtureJson("restsearch/request.page1.json"), requests.get(0).json());
        assertEquals(fixtureJson("restsearch/request.page2.json"), requests.get(1).json());
        for (FakeMisp.Request request : requests) {
            assertEquals("POST", request.method());
            assertEquals(KEY, request.headers().get("authorization"), "the raw key, no 'Bearer'");
            assertEquals("application/json", request.headers().get("accept"));
            assertEquals("application/json", request.headers().get("content-type"));
        }
        assertEquals(POLL1, stored());
        JsonNode page1 = fixtureJson("restsearch/response.page1.json").get("response");
        assertEquals(page1.get(0), JSON.readTree(store.events().get(0).body()), "{\"Event\": {...}} as sent");
        assertEquals("application/json", store.events().get(0).mediaType());
        assertEquals("misp-api", store.config().typetag());
        assertEquals(Optional.of("1714458092"), store.committed("misp.cursor.SYNTH-CERT"));
        assertEquals("7 events, 7 new (2 pages)", poll.progress());
    }

    @Test
    void theNextPollAsksFromTheLargestTimestampAndPostsOnlyNewVersions() throws Exception {
        serveFirstPoll();
        store.fetch(input);
        misp.pages(3, "restsearch/response.poll2.json");

        InMemoryFetchContext poll2 = store.fetch(input);

        ObjectNode sent = (ObjectNode) misp.lastRequest().json();
        assertEquals(JSON.valueToTree(false), sent.remove("withAttachments"));
        assertEquals(fixtureJson("restsearch/request.poll2.json"), sent);
        assertEquals(concat(POLL1, POLL2_NEW), stored(), "the boundary event is dropped, the changed one posted");
        assertEquals(1, poll2.duplicates());
        assertEquals("3 events, 2 new (1 page)", poll2.progress());
        assertEquals(Optional.of("1714459892"), store.committed("misp.cursor.SYNTH-CERT"));
    }

    @Test
    void aRestartedInputGoesOnFromTheCommittedCursorAndPostsNothingTwice() throws Exception {
        serveFirstPoll();
        store.fetch(input);
        input.close();
        input = store.open(); // a restart or plugin update: new input over the same stored state
        misp.pages(3, "restsearch/response.poll2.json");

        store.fetch(input);

        assertEquals("1714458092", misp.lastRequest().json().get("timestamp").asText());
        assertEquals(concat(POLL1, POLL2_NEW), stored());

        input.close();
        input = store.open();
        store.fetch(input); // the same answer again: all three versions are known
        assertEquals("1714459892", misp.lastRequest().json().get("timestamp").asText());
        assertEquals(9, store.events().size());
    }

    @Test
    void aFailedPageKeepsTheCursorAndTheRetryPostsOnlyWhatWasMissing() throws Exception {
        misp.answer(request -> request.page() == 1
                ? Reply.fixture("restsearch/response.page1.json").header("X-Result-Count", "7")
                : new Reply(500, "text/html", MispFixtures.bytes("errors/500-html.html"), Map.of()));

        HttpStatusException failed = assertThrows(HttpStatusException.class, () -> store.fetch(input));

        assertEquals(500, failed.status());
        assertEquals(POLL1.subList(0, 5), stored(), "page 1 was checkpointed before page 2 failed");
        assertEquals(Optional.empty(), store.committed("misp.cursor.SYNTH-CERT"), "the query did not finish");

        serveFirstPoll();
        store.fetch(input);

        List<FakeMisp.Request> requests = misp.requests();
        assertEquals(Long.toString(FROM), requests.get(requests.size() - 2).json().get("timestamp").asText(),
                "the retry starts from the same cursor");
        assertEquals(POLL1, stored(), "each event once");
        assertEquals(Optional.of("1714458092"), store.committed("misp.cursor.SYNTH-CERT"));
    }

    @Test
    void aPageCutShortIsAnErrorAndPostsNothingOfItself() throws Exception {
        misp.answer(request -> Reply.fixture("errors/truncated-page.json")); // page 1, cut mid-stream

        SourceException failed = assertThrows(SourceException.class, () -> store.fetch(input));

        assertEquals("MISP's answer to page 1 of org SYNTH-CERT is not an event list: the document is cut short "
                + "(unexpected end of input)", failed.getMessage());
        assertEquals(List.of(), store.events(), "the events before the cut were not checkpointed");
        assertEquals(Map.of(), store.committedState());

        serveFirstPoll();
        store.fetch(input);
        assertEquals(POLL1, stored());
    }

    @Test
    void htmlWhereJsonWasExpectedIsAnErrorWhateverTheMediaType() throws Exception {
        byte[] html = MispFixtures.bytes("errors/500-html.html");
        for (String type : List.of("text/html; charset=UTF-8", "application/json")) {
            misp.answer(request -> new Reply(200, type, html, Map.of()));

            SourceException failed = assertThrows(SourceException.class, () -> store.fetch(input));

            assertEquals("MISP's answer to page 1 of org SYNTH-CERT is not an event list: an HTML page, not MISP "
                    + "JSON", failed.getMessage(), type);
        }
        assertEquals(List.of(), store.events());
        assertEquals(Map.of(), store.committedState());
    }

    @Test
    void aRejectedKeyIsSaidPlainlyAndTheKeyAppearsNowhere() throws Exception {
        String wrongKey = "ffffffffffffffffffffWRONGWRONGWRONG00000";
        store = storeWith(Map.of("api_key", wrongKey));
        input = store.open();
        serveFirstPoll();

        SourceException rejected = assertThrows(SourceException.class, () -> store.fetch(input));

        assertEquals("MISP rejected the API key (HTTP 403 for POST " + misp.baseUri() + "/events/restSearch): "
                + "check api_key, and that its user may use the API", rejected.getMessage());
        assertEquals(wrongKey, misp.lastRequest().headers().get("authorization"));
        assertKeyAbsent(wrongKey, rejected);
        assertEquals(List.of(), store.events());
    }

    @Test
    void theKeyStaysOutOfFailuresStatusStateAndConfigText() throws Exception {
        serveFirstPoll();
        store.fetch(input);
        misp.close();

        Exception unreachable = assertThrows(Exception.class, () -> store.fetch(input));

        assertInstanceOf(IOException.class, unreachable);
        assertKeyAbsent(KEY, unreachable);
    }

    /** Everything a user or a log could see of this input holds no trace of the key. */
    private void assertKeyAbsent(String key, Throwable failure) {
        StringWriter trace = new StringWriter();
        failure.printStackTrace(new PrintWriter(trace));
        List<String> visible = new ArrayList<>(List.of(trace.toString(), store.progress(), input.toString(),
                store.config().toString(), store.config().maskedProperties().toString(),
                store.committedState().toString()));
        visible.addAll(store.newContext().malformedReasons());
        for (String text : visible) {
            assertFalse(text.contains(key), () -> "the key leaked into: " + text);
        }
    }

    @Test
    void invalidUtf8InAnEventIsRepairedAndTheEventPosted() throws Exception {
        misp.pages(5, "errors/invalid-utf8-page.json");

        InMemoryFetchContext poll = store.fetch(input);

        assertEquals(POLL1.subList(0, 5), stored());
        assertTrue(new String(store.events().get(0).body(), StandardCharsets.UTF_8).contains("\uFFFD(\uFFFD"));
        assertEquals("5 events, 5 new, 1 with invalid UTF-8 replaced (1 page)", poll.progress());
    }

    @Test
    void eachOrgIsItsOwnQueryWithItsOwnCursor() throws Exception {
        store = storeWith(Map.of("orgs", "SYNTH-CERT, 5d9c2c1e-0000-4c5f-9a3e-00000000c0de", "published", "true",
                "tags", "tlp:white,!tlp:red"));
        input = store.open();
        misp.answer(request -> request.json().get("org").asText().equals("SYNTH-CERT")
                ? Reply.fixture("restsearch/response.page2.json")
                : Reply.empty());

        store.fetch(input);

        List<FakeMisp.Request> requests = misp.requests();
        assertEquals(List.of("SYNTH-CERT", "5d9c2c1e-0000-4c5f-9a3e-00000000c0de"),
                requests.stream().map(r -> r.json().get("org").asText()).toList());
        JsonNode body = requests.get(0).json();
        assertTrue(body.get("published").asBoolean());
        assertEquals("[\"tlp:white\",\"!tlp:red\"]", body.get("tags").toString());
        assertEquals(POLL1.subList(5, 7), stored());
        assertEquals(Optional.of("1714458092"), store.committed("misp.cursor.SYNTH-CERT"));
        assertEquals(Optional.of(Long.toString(FROM)),
                store.committed("misp.cursor.5d9c2c1e-0000-4c5f-9a3e-00000000c0de"), "nothing yet: the look-back");
    }

    @Test
    void withoutOrgsOneQueryAsksForAllAndAnEmptyAnswerAnchorsTheLookBack() throws Exception {
        store = storeWith(Map.of("orgs", ""));
        input = store.open();

        store.fetch(input);
        clock.advance(Duration.ofDays(1));
        store.fetch(input);

        assertFalse(misp.lastRequest().json().has("org"));
        assertEquals(Long.toString(FROM), misp.lastRequest().json().get("timestamp").asText(),
                "the look-back does not slide with the clock");
        assertEquals(Optional.of(Long.toString(FROM)), store.committed("misp.cursor"));
    }

    @Test
    void aFullLastPageIsFollowedByAnEmptyOne() throws Exception {
        misp.pages(5, "restsearch/response.page1.json"); // X-Result-Count says 5: no page 2 needed
        store.fetch(input);
        assertEquals(1, misp.requests().size());

        store = storeWith(Map.of());
        input = store.open();
        misp.answer(request -> request.page() == 1 ? Reply.fixture("restsearch/response.page1.json")
                : Reply.fixture("restsearch/response.page3.empty.json")); // no X-Result-Count
        store.fetch(input);
        assertEquals(List.of(1, 1, 2), misp.requests().stream().map(FakeMisp.Request::page).toList());
        assertEquals(POLL1.subList(0, 5), stored());
    }

    @Test
    void aServerIgnoringThePageParameterIsAnErrorNotAnEndlessLoop() throws Exception {
        misp.answer(request -> Reply.fixture("restsearch/response.page1.json")); // the same page every time

        SourceException failed = assertThrows(SourceException.class, () -> store.fetch(input));

        assertTrue(failed.getMessage().startsWith("MISP sent the same events for page 2 of org SYNTH-CERT as for "
                + "the page before: it ignores 'page'"), failed.getMessage());
        assertEquals(2, misp.requests().size());
        assertEquals(POLL1.subList(0, 5), stored());
    }

    @Test
    void aServerIgnoringTheLimitSentEverythingOnOnePage() throws Exception {
        misp.answer(request -> Reply.fixture("export/restsearch-download.json")); // 7 events for limit 5

        store.fetch(input);

        assertEquals(1, misp.requests().size());
        assertEquals(POLL1, stored());
    }

    @Test
    void theCursorNeverPassesTheServersClockWhenEventsClaimTheFuture() throws Exception {
        String future = "{\"response\": [{\"Event\": {\"uuid\": \"11111111-2222-4333-8444-555555555555\", "
                + "\"timestamp\": \"4102444800\", \"info\": \"from 2100\"}}]}";
        misp.answer(request -> Reply.json(future.getBytes(StandardCharsets.UTF_8)));
        long before = Instant.now().getEpochSecond();

        store.fetch(input);

        long cursor = Long.parseLong(store.committed("misp.cursor.SYNTH-CERT").orElseThrow());
        long after = Instant.now().getEpochSecond();
        assertTrue(cursor >= before - 2 && cursor <= after, () -> "cursor " + cursor + " should be the server's "
                + "time (its Date header), not the event's 2100");
    }

    @Test
    void theServerStartIsItsDateLessTheWaitAndOneSecond() {
        assertEquals(1714458092L - 3 - 1, MispApiInput.serverStart(Optional.of("Tue, 30 Apr 2024 06:21:32 GMT"),
                Duration.ofMillis(3400)).getAsLong());
        assertTrue(MispApiInput.serverStart(Optional.of("yesterday"), Duration.ZERO).isEmpty());
        assertTrue(MispApiInput.serverStart(Optional.empty(), Duration.ZERO).isEmpty());
    }

    @Test
    void malformedElementsAreCountedAndTheRestPosted() throws Exception {
        String page = "{\"response\": [{\"Event\": {\"info\": \"no uuid\"}}, {\"Attribute\": []}, "
                + "{\"Event\": {\"uuid\": \"11111111-2222-4333-8444-555555555555\", \"timestamp\": \"1714440000\"}}]}";
        misp.answer(request -> Reply.json(page.getBytes(StandardCharsets.UTF_8)));

        InMemoryFetchContext poll = store.fetch(input);

        assertEquals(List.of("11111111-2222-4333-8444-555555555555:1714440000"), stored());
        assertEquals(List.of("page 1 of org SYNTH-CERT: an event has no valid uuid",
                "page 1 of org SYNTH-CERT: an element of the event list has no 'Event' object"),
                poll.malformedReasons());
        assertEquals("1 event, 1 new, 2 malformed (1 page)", poll.progress());
    }

    @Test
    void anEventOverMaxEventBytesIsSkippedWithItsReasonAndTheCursorMovesPastIt() throws Exception {
        String large = "22222222-2222-4222-8222-222222222222";
        byte[] page;
        try (InputStream in = LargeMispEvent.downloadAround("11111111-1111-4111-8111-111111111111", large,
                "33333333-3333-4333-8333-333333333333", FROM + 100, 3L << 20)) {
            page = in.readAllBytes();
        }
        misp.answer(request -> Reply.json(page));
        input.close();
        store = storeWith(Map.of("max_event_bytes", "1048576"));
        input = store.open();

        InMemoryFetchContext poll = store.fetch(input);

        assertEquals(List.of("11111111-1111-4111-8111-111111111111:" + (FROM + 99),
                "33333333-3333-4333-8333-333333333333:" + (FROM + 99)), stored());
        assertEquals(1, poll.malformedReasons().size());
        assertTrue(poll.malformedReasons().get(0)
                .startsWith("page 1 of org SYNTH-CERT: event " + large + " is 3146097"),
                poll.malformedReasons().toString());
        assertTrue(poll.malformedReasons().get(0).endsWith(" bytes, over max_event_bytes (1048576)"));
        assertEquals(Optional.of(Long.toString(FROM + 100)), store.committed("misp.cursor.SYNTH-CERT"),
                "past the skipped event: the next poll is not held up by it");
        assertEquals("2 events, 2 new, 1 malformed (1 page)", poll.progress());
    }

    @Test
    void aGracefulStopBetweenPagesKeepsTheCursor() throws Exception {
        InMemoryFetchContext stopping = store.newContext();
        misp.answer(request -> {
            stopping.requestStop(); // while page 1 is answered
            return Reply.fixture("restsearch/response.page" + request.page() + ".json").header("X-Result-Count", "7");
        });

        store.fetch(input, stopping);

        assertEquals(1, misp.requests().size(), "page 1 finished, then the input returned");
        assertEquals(POLL1.subList(0, 5), stored());
        assertEquals(Optional.empty(), store.committed("misp.cursor.SYNTH-CERT"));

        serveFirstPoll();
        store.fetch(input);
        assertEquals(POLL1, stored(), "the next poll repeats the query; page 1 is not posted twice");
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
