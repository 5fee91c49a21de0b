package org.cybexp.input.source.misplookup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.cybexp.input.api.Event;
import org.cybexp.input.api.HttpStatusException;
import org.cybexp.input.api.SourceException;
import org.cybexp.input.api.SourceInput;
import org.cybexp.input.testkit.InMemoryInputStore;
import org.cybexp.input.testkit.TestClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lookup input against a MISP on loopback answering /attributes/restSearch, through the test kit. */
class MispLookupInputTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "0123456789abcdefghijABCDEFGHIJ0123456789";
    private static final String EVENT_A = "542e4c9c-cadc-4f8f-bb11-6d13950d210b";
    private static final String EVENT_B = "5f1f6a7e-1111-4c3b-9d33-2a6e0a0b0c0d";

    @TempDir
    Path temp;
    private Path drop;
    private FakeMisp misp;
    private TestClock clock;

    @BeforeEach
    void start() throws IOException {
        drop = temp.resolve("lookup");
        misp = new FakeMisp(KEY);
        clock = TestClock.at(Instant.now().plusSeconds(1)); // min_age 0: after the files it writes
    }

    @AfterEach
    void stop() {
        misp.close();
    }

    private InMemoryInputStore store(Map<String, String> overrides) throws Exception {
        Map<String, String> properties = new HashMap<>(Map.of("url", misp.baseUri().toString(), "api_key", KEY,
                "directory", drop.toString(), "min_age", "0", "max_requests_per_second", "0"));
        properties.putAll(overrides);
        return InMemoryInputStore.builder(new MispLookupPlugin()).name("lookup").clock(clock)
                .properties(properties).build();
    }

    private void drop(String name, String content) throws IOException {
        Files.createDirectories(drop);
        Files.writeString(drop.resolve(name), content, StandardCharsets.UTF_8);
    }

    private static List<JsonNode> posted(InMemoryInputStore store) throws IOException {
        List<JsonNode> files = new ArrayList<>();
        for (Event event : store.events()) {
            files.add(JSON.readTree(event.body()));
        }
        return files;
    }

    @Test
    void postsTheEventsOfEachHitWithTheLookedUpValueAndCountsTheMisses() throws Exception {
        misp.attribute("198.51.100.7", "ip-dst", EVENT_A, "OSINT scanning IPs")
                .attribute("198.51.100.7", "ip-src", EVENT_B, "Botnet C2")
                .attribute("198.51.100.7", "ip-src", EVENT_B, "Botnet C2")
                .attribute("evil.example", "domain", EVENT_A, "OSINT scanning IPs");
        drop("iocs.txt", "# from the SOC\n198.51.100.7\n\nevil.example\nnothing.example\n");
        InMemoryInputStore store = store(Map.of());
        SourceInput input = store.open();
        store.fetch(input);

        List<JsonNode> files = posted(store);
        assertEquals(3, files.size(), "one file per matching event of each value");
        JsonNode first = files.get(0);
        assertEquals(EVENT_A, first.path("Event").path("uuid").asText());
        assertEquals("198.51.100.7", first.path("lookup").path("value").asText());
        assertEquals("[\"ip-src\",\"ip-dst\"]", first.path("lookup").path("type").toString());
        assertEquals(2, files.get(1).path("Event").path("Attribute").size(), "both attributes of event B");
        assertFalse(files.get(1).path("Event").path("Attribute").get(0).has("Event"));
        assertEquals("evil.example", files.get(2).path("lookup").path("value").asText());

        // asked at once (max_concurrent 4), so in any order; the answers are posted in file order all the same
        Map<String, JsonNode> requests = new HashMap<>();
        misp.requests().forEach(r -> requests.put(r.path("value").asText(), r));
        assertEquals(Set.of("198.51.100.7", "evil.example", "nothing.example"), requests.keySet());
        JsonNode ip = requests.get("198.51.100.7");
        assertEquals("[\"ip-src\",\"ip-dst\"]", ip.path("type").toString());
        assertEquals("[\"domain\",\"hostname\"]", requests.get("evil.example").path("type").toString());
        assertEquals(1, ip.path("page").asInt());
        assertEquals(100, ip.path("limit").asInt());
        assertEquals("json", ip.path("returnFormat").asText());
        assertTrue(Files.exists(drop.resolve("processed/iocs.txt")));
        assertFalse(Files.exists(drop.resolve("iocs.txt")));
        assertTrue(store.progress().contains("2 with a hit, 1 without"), store.progress());
        assertTrue(store.committed(MispLookupInput.RESUME).isEmpty());
        input.close();
    }

    @Test
    void pagesUntilAShortPageOrAnEmptyResponse() throws Exception {
        for (int i = 0; i < 3; i++) {
            misp.attribute("d41d8cd98f00b204e9800998ecf8427e", "md5", "ev-" + i, "sample " + i);
        }
        misp.attribute("da39a3ee5e6b4b0d3255bfef95601890afd80709", "sha1", "ev-x", "x")
                .attribute("da39a3ee5e6b4b0d3255bfef95601890afd80709", "sha1", "ev-y", "y");
        drop("hashes.json", "[\"d41d8cd98f00b204e9800998ecf8427e\", {\"value\": "
                + "\"da39a3ee5e6b4b0d3255bfef95601890afd80709\", \"type\": \"sha1\"}]");
        InMemoryInputStore store = store(Map.of("limit", "2", "max_concurrent", "1"));
        store.fetch(store.open());

        assertEquals(5, store.events().size());
        List<String> pages = misp.requests().stream().map(r -> r.path("value").asText().substring(0, 4) + ":"
                + r.path("page").asInt() + ":" + r.path("type")).toList();
        // 3 md5 attributes: a full page and a short one; 2 sha1: a full page, then {"response": []}
        assertEquals(List.of("d41d:1:\"md5\"", "d41d:2:\"md5\"", "da39:1:\"sha1\"", "da39:2:\"sha1\""), pages);
    }

    @Test
    void readsTheValueAndTypeColumnsOfACsvFile() throws Exception {
        misp.attribute("phish@evil.example", "email-src", EVENT_A, "phishing")
                .attribute("http://evil.example/login", "url", EVENT_B, "phishing site");
        drop("export.csv", "first_seen,indicator,type\n2026-11-30,phish@evil.example,\n"
                + "2026-11-30,\"http://evil.example/login\",url\n");
        InMemoryInputStore store = store(Map.of("csv_column", "indicator", "max_concurrent", "1"));
        store.fetch(store.open());

        assertEquals(2, store.events().size());
        assertEquals("[\"email-src\",\"email-dst\"]", misp.requests().get(0).path("type").toString());
        assertEquals("\"url\"", misp.requests().get(1).path("type").toString());
    }

    @Test
    void aRepeatedValueAsksMispOnceWhileItsAnswerIsCached() throws Exception {
        misp.attribute("198.51.100.7", "ip-src", EVENT_A, "x");
        drop("a.txt", "198.51.100.7\n198.51.100.7\n");
        InMemoryInputStore store = store(Map.of("cache_seconds", "600"));
        SourceInput input = store.open();
        store.fetch(input);
        assertTrue(store.progress().contains("1 with a hit, 0 without, 1 cached"), "the same value twice in one "
                + "batch is asked once: " + store.progress());
        drop("b.txt", "198.51.100.7\n");
        store.fetch(input);
        assertEquals(1, misp.requests().size(), "the second and third look-ups are answered from the cache");
        assertTrue(store.progress().contains("1 cached"), store.progress());

        clock.advance(Duration.ofSeconds(601));
        drop("c.txt", "198.51.100.7\n");
        store.fetch(input);
        assertEquals(2, misp.requests().size(), "asked again once the answer is older than cache_seconds");
        assertEquals(1, store.events().size(), "the same answer is not posted twice");
    }

    @Test
    void aRejectedKeyFailsTheFetchWithoutShowingItAndKeepsTheFile() throws Exception {
        drop("iocs.txt", "198.51.100.7\n");
        InMemoryInputStore store = store(Map.of("api_key", "wrong-key-that-must-not-show"));
        SourceException failure = assertThrows(SourceException.class, () -> store.fetch(store.open()));
        assertTrue(failure.getMessage().contains("MISP rejected the API key (HTTP 403"), failure.getMessage());
        assertFalse(failure.getMessage().contains("wrong-key-that-must-not-show"));
        assertTrue(Files.exists(drop.resolve("iocs.txt")));
        assertEquals(0, store.events().size());
    }

    @Test
    void aFailedLookupResumesAtThatValueAndPostsNothingTwice() throws Exception {
        List<String> values = List.of("198.51.100.1", "198.51.100.2", "198.51.100.3", "198.51.100.4",
                "198.51.100.5");
        for (String value : values) {
            misp.attribute(value, "ip-dst", "ev-" + value, "event of " + value);
        }
        drop("iocs.txt", String.join("\n", values) + "\n");
        misp.failFor(Set.of("198.51.100.4"));
        InMemoryInputStore store = store(Map.of("max_concurrent", "2"));
        SourceInput input = store.open();
        assertThrows(Exception.class, () -> store.fetch(input));
        assertEquals(3, store.events().size(), "the answers before the failed value are stored");
        String id = store.committed(MispLookupInput.RESUME).orElseThrow();
        assertTrue(id.endsWith(" 3"), id);
        assertTrue(store.progress().contains("3/5 values"), store.progress());

        misp.failFor(Set.of());
        int asked = misp.requests().size();
        SourceInput restarted = store.open(); // a new instance: nothing in memory
        store.fetch(restarted);
        assertEquals(Set.of("198.51.100.4", "198.51.100.5"),
                Set.copyOf(misp.valuesAsked().subList(asked, misp.requests().size())));
        assertEquals(5, store.events().size());
        assertEquals(5, Set.copyOf(store.jsonValues("/lookup/value")).size());
        assertTrue(Files.exists(drop.resolve("processed/iocs.txt")));
    }

    @Test
    void mispsRateLimitFailsTheFetchWithItsRetryAfterAndResumesAtThatValue() throws Exception {
        misp.attribute("198.51.100.1", "ip-dst", EVENT_A, "x").tooManyRequestsFor(Set.of("198.51.100.2"), "120");
        drop("iocs.txt", "198.51.100.1\n198.51.100.2\n198.51.100.3\n");
        InMemoryInputStore store = store(Map.of("max_concurrent", "1"));
        HttpStatusException limited = assertThrows(HttpStatusException.class, () -> store.fetch(store.open()));
        assertEquals(429, limited.status());
        assertEquals(Optional.of(Duration.ofSeconds(120)), limited.retryAfter(), "the container waits as MISP said");
        assertTrue(store.committed(MispLookupInput.RESUME).orElseThrow().endsWith(" 1"));
        assertEquals(1, store.events().size());
    }

    @Test
    void asksAtMostMaxConcurrentValuesAtOnce() throws Exception {
        StringBuilder file = new StringBuilder();
        for (int i = 1; i <= 6; i++) {
            file.append("203.0.113.").append(i).append('\n');
        }
        drop("iocs.txt", file.toString());
        misp.latency(100);
        InMemoryInputStore store = store(Map.of("max_concurrent", "3"));
        store.fetch(store.open());
        assertEquals(6, misp.requests().size());
        assertEquals(3, misp.maxInFlight());
        assertTrue(store.progress().contains("0 with a hit, 6 without"), store.progress());
    }

    @Test
    void anUnreadableFileGoesToFailedWithItsReason() throws Exception {
        drop("broken.json", "[\"198.51.100.7\", ");
        drop("fine.txt", "198.51.100.8\n");
        InMemoryInputStore store = store(Map.of());
        SourceException failure = assertThrows(SourceException.class, () -> store.fetch(store.open()));
        assertTrue(failure.getMessage().contains("broken.json (not JSON"), failure.getMessage());
        assertTrue(Files.readString(drop.resolve("failed/broken.json.reason")).contains("not JSON"));
        assertTrue(Files.exists(drop.resolve("processed/fine.txt")), "the other files are still read");
    }
}
