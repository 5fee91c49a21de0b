package org.cybexp.input.source.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.cybexp.input.api.SourceInput;
import org.cybexp.input.testkit.InMemoryInputStore;
import org.cybexp.input.testkit.TestClock;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The recipes of docs/sources.md against loopback servers answering the real bodies of each API. */
class HttpRecipesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final TestClock clock = TestClock.at("2024-03-01T12:00:00Z");

    private InMemoryInputStore store(String... keyValues) throws Exception {
        InMemoryInputStore.Builder builder = InMemoryInputStore.builder(new HttpPlugin()).clock(clock);
        for (int i = 0; i < keyValues.length; i += 2) {
            builder.property(keyValues[i], keyValues[i + 1]);
        }
        return builder.build();
    }

    @Test
    void otxPulsesFollowTheNextUrlsUntilNullAndThePollStartBecomesTheNextBound() throws Exception {
        try (FakeApi api = new FakeApi()) {
            String base = api.uri("").toString();
            String page1 = FakeApi.body("ti_otx_rule02_api_v1_pulses_subscribed.json")
                    .replace("https://otx.alienvault.com", base);
            api.route("/api/v1/pulses/subscribed", request -> request.query().contains("page=2")
                    ? FakeApi.Answer.json(FakeApi.body0("ti_otx_rule03_api_v1_pulses_subscribed_page2.json"))
                    : FakeApi.Answer.json(page1));
            InMemoryInputStore store = store("typetag", "otx-pulse",
                    "url", base + "/api/v1/pulses/subscribed", "header.X-OTX-API-KEY", "otx-key-1234",
                    "query.limit", "1", "records", "/results", "record_id", "/id", "record_version", "/modified",
                    "pagination", "next_url", "next_url_path", "/next", "since_param", "modified_since",
                    "initial_lookback", "30d");
            SourceInput input = store.open();

            store.fetch(input);
            List<FakeApi.Request> requests = api.requests("/api/v1/pulses/subscribed");
            assertEquals(2, requests.size());
            assertEquals("limit=1&modified_since=2024-01-31T12%3A00%3A00Z", requests.get(0).query());
            assertEquals("otx-key-1234", requests.get(1).header("X-OTX-API-KEY"));
            assertEquals(1, store.events().size());
            assertEquals("64e38336d783f91d6948a7b1", JSON.readTree(store.eventTexts().get(0)).get("id").asText());

            clock.advance(Duration.ofHours(1));
            store.fetch(input);
            assertEquals(1, store.events().size(), "nothing is posted twice");
            assertTrue(api.requests("/api/v1/pulses/subscribed").get(2).query()
                    .contains("modified_since=2024-03-01T12%3A00%3A00Z"), "the next bound is the last poll's start");
        }
    }

    @Test
    void mispAttributeSearchPagesInTheBodyAndPostsOnlyNewAndChangedAttributes() throws Exception {
        try (FakeApi api = new FakeApi()) {
            ObjectNode page1 = (ObjectNode) JSON.readTree(FakeApi.body0("ti_misp_rule03_attributes_restSearch_page1.json"));
            String page2 = FakeApi.body0("ti_misp_rule04_attributes_restSearch_page2.json");
            api.route("/attributes/restSearch", request -> request.body().contains("\"page\":\"1\"")
                    ? FakeApi.Answer.json(page1.toString()) : FakeApi.Answer.json(page2));
            InMemoryInputStore store = store("typetag", "misp-attribute", "url",
                    api.uri("/attributes/restSearch").toString(), "method", "POST",
                    "body", "{\"returnFormat\": \"json\"}", "auth", "apikey", "token", "misp-key",
                    "records", "/response/Attribute", "record_id", "/uuid", "record_version", "/timestamp",
                    "pagination", "page", "page_size_param", "limit", "page_size", "5");
            store.reconfigure(withSince(store, "timestamp", "epoch", "record:/timestamp"));
            SourceInput input = store.open();

            store.fetch(input);
            assertEquals(5, store.events().size());
            List<FakeApi.Request> requests = api.requests("/attributes/restSearch");
            assertEquals(2, requests.size(), "page 2 answers {\"response\": []}: the end, not an error");
            JsonNode first = JSON.readTree(requests.get(0).body());
            assertEquals("json", first.get("returnFormat").asText());
            assertEquals("1", first.get("page").asText());
            assertEquals("5", first.get("limit").asText());
            assertTrue(first.path("timestamp").isMissingNode(), "initial_lookback = all: no bound on the first poll");
            assertEquals("misp-key", requests.get(0).header("Authorization"));

            // One attribute changed, one is new, three are as before.
            ObjectNode changed = (ObjectNode) page1.at("/response/Attribute/0");
            changed.put("timestamp", "1700000000");
            ObjectNode added = ((ObjectNode) page1.at("/response/Attribute/1")).deepCopy();
            added.put("uuid", "11111111-2222-3333-4444-555555555555");
            ((ArrayNode) page1.at("/response/Attribute")).add(added);
            store.fetch(input);
            assertEquals(7, store.events().size(), "only the changed and the new attribute are posted");
            long largest = page1.at("/response/Attribute").findValues("timestamp").stream()
                    .mapToLong(JsonNode::asLong).max().orElseThrow();
            assertEquals(1700000000L, largest);
            store.fetch(input);
            JsonNode third = JSON.readTree(api.requests("/attributes/restSearch").get(5).body());
            assertEquals(Long.toString(largest), third.get("timestamp").asText(),
                    "the bound is the largest stored timestamp");
        }
    }

    private static Map<String, Object> withSince(InMemoryInputStore store, String param, String format,
            String source) {
        Map<String, Object> properties = new HashMap<>(store.config().properties());
        properties.put("since_param", param);
        properties.put("since_format", format);
        properties.put("since_source", source);
        properties.put("initial_lookback", "all");
        return properties;
    }

    @Test
    void urlhausRecentUrlsAreTheArrayUnderUrls() throws Exception {
        try (FakeApi api = new FakeApi()) {
            api.route("/v1/urls/recent/", request -> FakeApi.Answer.json(FakeApi.body0("ti_abusech_rule01_v1_urls_recent.json")));
            InMemoryInputStore store = store("typetag", "urlhaus-url", "url",
                    api.uri("/v1/urls/recent/").toString(), "header.Auth-Key", "abuse-key",
                    "records", "/urls", "record_id", "/id");
            SourceInput input = store.open();
            store.fetch(input);
            store.fetch(input);
            assertEquals(2, store.events().size());
            assertEquals("abuse-key", api.requests("/v1/urls/recent/").get(0).header("Auth-Key"));
        }
    }

    @Test
    void threatFoxIocsArePostedFromAPostWithAFixedBody() throws Exception {
        try (FakeApi api = new FakeApi()) {
            api.route("/api/v1/", request -> FakeApi.Answer.json(FakeApi.body0("ti_threatfox_rule01_api_v1_get_iocs.json")));
            InMemoryInputStore store = store("typetag", "threatfox-ioc", "url", api.uri("/api/v1/").toString(),
                    "method", "POST", "body", "{\"query\": \"get_iocs\", \"days\": 1}", "header.Auth-Key", "k",
                    "records", "/data", "record_id", "/id");
            store.fetch(store.open());
            assertEquals(2, store.events().size());
            FakeApi.Request request = api.requests("/api/v1/").get(0);
            assertEquals("POST", request.method());
            assertEquals("application/json", request.header("Content-Type"));
            assertEquals(JSON.readTree("{\"query\": \"get_iocs\", \"days\": 1}"), JSON.readTree(request.body()));
        }
    }

    @Test
    void threatFoxSayingNoResultIsAnEmptyPageWithNoRecordsWhenAndAnErrorWithout() throws Exception {
        String none = "{\"query_status\": \"no_result\", \"data\": \"Your search did not yield any results\"}";
        try (FakeApi api = new FakeApi()) {
            api.route("/api/v1/", request -> FakeApi.Answer.json(none));
            InMemoryInputStore told = store("typetag", "threatfox-ioc", "url", api.uri("/api/v1/").toString(),
                    "method", "POST", "body", "{\"query\": \"get_iocs\", \"days\": 1}", "records", "/data",
                    "record_id", "/id", "no_records_when", "/query_status=no_result");
            told.fetch(told.open());
            assertEquals(0, told.events().size());

            InMemoryInputStore untold = store("typetag", "threatfox-ioc", "url", api.uri("/api/v1/").toString(),
                    "method", "POST", "body", "{\"query\": \"get_iocs\", \"days\": 1}", "records", "/data",
                    "record_id", "/id");
            Exception refused = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                    () -> untold.fetch(untold.open()));
            org.junit.jupiter.api.Assertions.assertTrue(refused.getMessage().contains("a string"), refused.getMessage());
        }
    }

    @Test
    void greyNoiseRecordIsTheWholeBody() throws Exception {
        try (FakeApi api = new FakeApi()) {
            String record = Files.readString(FakeApi.BODIES.resolveSibling("greynoise_v3_ip_record_sample.json"));
            api.route("/v3/ip/1.2.3.4", request -> FakeApi.Answer.json(record));
            InMemoryInputStore store = store("typetag", "greynoise-ip", "url", api.uri("/v3/ip/1.2.3.4").toString(),
                    "auth", "bearer", "token", "gn-token-9876");
            store.fetch(store.open());
            store.fetch(store.open());
            assertEquals(1, store.events().size(), "the content is the key of a record without record_id");
            assertEquals(JSON.readTree(record), JSON.readTree(store.eventTexts().get(0)));
            assertEquals("Bearer gn-token-9876", api.requests("/v3/ip/1.2.3.4").get(0).header("Authorization"));
        }
    }
}
