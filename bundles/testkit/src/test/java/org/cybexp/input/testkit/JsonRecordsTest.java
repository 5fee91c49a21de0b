package org.cybexp.input.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.cybexp.input.api.HttpRequest;
import org.cybexp.input.api.HttpResult;
import org.cybexp.input.api.SourceException;
import org.cybexp.input.api.SourceInput;
import org.cybexp.input.api.json.JsonRecords;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The api's JSON splitter in the container's fetch context, against a feed served on loopback. */
class JsonRecordsTest {

    private static final String JSON = "application/json";

    private final ScriptedPlugin plugin = new ScriptedPlugin();
    private final List<JsonRecords.Split> splits = new ArrayList<>();
    private LoopbackFeedServer server;
    private LoopbackFeedServer.Feed feed;
    private InMemoryInputStore store;
    private SourceInput input;

    @BeforeEach
    void start() throws Exception {
        server = LoopbackFeedServer.start();
        feed = server.feed("/api/urls.json");
        store = InMemoryInputStore.of(plugin, Map.of());
        input = store.open();
        splitting(JsonRecords.at("/urls").keyedBy("/id"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private void splitting(JsonRecords records) {
        plugin.script(ctx -> {
            try (HttpResult answer = ctx.http().send(HttpRequest.get(feed.uri()))) {
                splits.add(records.emit(answer.body(), ctx));
            }
        });
    }

    @Test
    void eachElementIsOneEventKeyedByItsIdAndPostedOnce() throws Exception {
        feed.serve("{\"query_status\": \"ok\", \"urls\": [ {\"id\": 1, \"url\": \"http://a.example/x\"},\n"
                + " {\"url\": \"http://b.example/\\u0079\", \"id\": \"2\", \"tags\": [\"a]\", {\"b\": null}]} ],"
                + " \"after\": {}}", JSON);

        store.fetch(input);
        store.fetch(input);

        assertEquals(List.of("1", "2"), store.jsonValues("/id"));
        assertEquals(Arrays.asList("http://a.example/x", "http://b.example/y"), store.jsonValues("/url"));
        assertEquals("{\"id\": 1, \"url\": \"http://a.example/x\"}", store.eventTexts().get(0),
                "posted as it was sent");
        assertEquals(JSON, store.events().get(0).mediaType());
        assertEquals(new JsonRecords.Split(2, 0), splits.get(1));
        assertEquals(2, store.duplicates(), "the second fetch posted nothing again");
    }

    @Test
    void elementsWithoutTheKeyOrTooLongAreSkippedAndCountedMalformed() throws Exception {
        splitting(JsonRecords.at("/urls").keyedBy("/id").maxRecordChars(40));
        feed.serve("{\"urls\": [{\"id\": 7}, {\"url\": \"no id\"}, \"a string\", {\"id\": null}, {\"id\": 8, \"pad\": \""
                + "x".repeat(50) + "\"}, {\"id\": 9}]}", JSON);

        store.fetch(input);

        assertEquals(List.of("7", "9"), store.jsonValues("/id"));
        assertEquals(new JsonRecords.Split(2, 4), splits.get(0));
        assertEquals(4, store.malformed());
    }

    @Test
    void theDocumentMayBeTheArrayAndRecordsNeedNoKey() throws Exception {
        splitting(JsonRecords.at(""));
        feed.serve("[{\"a\": 1}, [2], 3]", JSON);

        store.fetch(input);

        assertEquals(List.of("{\"a\": 1}", "[2]", "3"), store.eventTexts());
    }

    @Test
    void aDocumentThatIsNotJsonOrHasNoArrayThereFailsTheFetchAndKeepsNothing() throws Exception {
        feed.serve("{\"urls\": [{\"id\": 1}, {\"id\": 2", JSON);
        SourceException cut = assertThrows(SourceException.class, () -> store.fetch(input));
        assertEquals("the document is not JSON: unterminated object or array at character 29, found the end",
                cut.getMessage());

        feed.serve("<html><body>rate limited</body></html>", "text/html");
        assertEquals("the document is not JSON: expected an object or an array at character 0, found '<'",
                assertThrows(SourceException.class, () -> store.fetch(input)).getMessage());

        feed.serve("{\"data\": []}", JSON);
        assertEquals("the JSON document has no array at /urls",
                assertThrows(SourceException.class, () -> store.fetch(input)).getMessage());
        assertEquals(List.of(), store.events(), "nothing of a failed fetch is stored");
    }

    @Test
    void valuesArePickedByPointer() throws Exception {
        String json = "{\"a/b\": {\"list\": [10, {\"x\": true}]}, \"s\": \"caf\\u00e9\", \"n\": null}";
        assertEquals(Optional.of("true"), JsonRecords.value(json, "/a~1b/list/1/x"));
        assertEquals(Optional.of("10"), JsonRecords.value(json, "/a~1b/list/0"));
        assertEquals(Optional.of("café"), JsonRecords.value(json, "/s"));
        assertEquals(Optional.empty(), JsonRecords.value(json, "/n"));
        assertEquals(Optional.empty(), JsonRecords.value(json, "/missing"));
        assertThrows(IllegalArgumentException.class, () -> JsonRecords.at("urls"));
        assertThrows(IllegalArgumentException.class, () -> JsonRecords.value("{\"a\": ", "/a"));
    }
}
