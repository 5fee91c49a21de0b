package org.cybexp.input.source.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.cybexp.input.api.HttpStatusException;
import org.cybexp.input.api.SourceInput;
import org.cybexp.input.testkit.InMemoryInputStore;
import org.cybexp.input.testkit.TestClock;
import org.junit.jupiter.api.Test;

/** Each pagination, and failures between pages: every record once, none skipped. */
class HttpPagingTest {

    private static final int RECORDS = 25;
    private final TestClock clock = TestClock.at("2024-03-01T12:00:00Z");

    private InMemoryInputStore store(String... keyValues) throws Exception {
        InMemoryInputStore.Builder builder = InMemoryInputStore.builder(new HttpPlugin()).clock(clock)
                .property("typetag", "test-records").property("record_id", "/id");
        for (int i = 0; i < keyValues.length; i += 2) {
            builder.property(keyValues[i], keyValues[i + 1]);
        }
        return builder.build();
    }

    /** Records from..to-1 as {"items": [...], extra}. */
    private static String items(int from, int to, String extra) {
        List<String> out = new ArrayList<>();
        for (int i = from; i < Math.min(to, RECORDS); i++) {
            out.add("{\"id\": " + i + ", \"value\": \"r" + i + "\"}");
        }
        return "{\"items\": [" + String.join(",", out) + "]" + (extra.isEmpty() ? "" : ", " + extra) + "}";
    }

    private static int param(FakeApi.Request request, String name, int otherwise) {
        for (String pair : request.query().split("&")) {
            if (pair.startsWith(name + "=")) {
                return Integer.parseInt(pair.substring(name.length() + 1));
            }
        }
        return otherwise;
    }

    private static void assertEveryRecordOnce(InMemoryInputStore store) {
        assertEquals(RECORDS, store.events().size(), store.eventTexts().toString());
        assertEquals(RECORDS, store.eventTexts().stream().distinct().count());
    }

    @Test
    void pageNumbersUntilAShortPage() throws Exception {
        try (FakeApi api = new FakeApi()) {
            api.route("/p", r -> {
                int page = param(r, "page", -1);
                return FakeApi.Answer.json(items(page * 10, page * 10 + 10, ""));
            });
            InMemoryInputStore store = store("url", api.uri("/p").toString(), "records", "/items",
                    "pagination", "page", "page_start", "0", "page_size_param", "size", "page_size", "10");
            store.fetch(store.open());
            assertEveryRecordOnce(store);
            assertEquals(3, api.requests("/p").size(), "page 2 has 5 records: the last one");
            assertEquals("page=0&size=10", api.requests("/p").get(0).query());
            assertTrue(store.committed(PollState.KEY).isEmpty(), "the poll is complete");
        }
    }

    @Test
    void offsetsUntilAnEmptyPage() throws Exception {
        try (FakeApi api = new FakeApi()) {
            api.route("/o", r -> {
                int offset = param(r, "offset", -1);
                return FakeApi.Answer.json(items(offset, offset + 5, ""));
            });
            InMemoryInputStore store = store("url", api.uri("/o").toString(), "records", "/items",
                    "pagination", "offset");
            store.fetch(store.open());
            assertEveryRecordOnce(store);
            assertEquals(List.of("offset=0", "offset=5", "offset=10", "offset=15", "offset=20", "offset=25"),
                    api.requests("/o").stream().map(FakeApi.Request::query).toList());
        }
    }

    @Test
    void cursorsFromTheBodyUntilNone() throws Exception {
        try (FakeApi api = new FakeApi()) {
            api.route("/c", r -> {
                int from = param(r, "after", 0);
                String next = from + 10 < RECORDS ? "\"meta\": {\"next\": \"" + (from + 10) + "\"}" : "\"meta\": {}";
                return FakeApi.Answer.json(items(from, from + 10, next));
            });
            InMemoryInputStore store = store("url", api.uri("/c").toString(), "records", "/items",
                    "pagination", "cursor", "cursor_param", "after", "cursor_path", "/meta/next");
            store.fetch(store.open());
            assertEveryRecordOnce(store);
            assertEquals(List.of("", "after=10", "after=20"), api.requests("/c").stream().map(FakeApi.Request::query)
                    .toList());
        }
    }

    @Test
    void linkHeadersRelNext() throws Exception {
        try (FakeApi api = new FakeApi()) {
            api.route("/l", r -> {
                int page = param(r, "page", 1);
                FakeApi.Answer answer = FakeApi.Answer.json(items((page - 1) * 10, page * 10, ""));
                return page * 10 < RECORDS ? answer.with(Map.of("Link", "</l?page=" + (page + 1)
                        + ">; rel=\"next\", </l?page=1>; rel=\"first\"")) : answer;
            });
            InMemoryInputStore store = store("url", api.uri("/l").toString(), "records", "/items",
                    "pagination", "link");
            store.fetch(store.open());
            assertEveryRecordOnce(store);
            assertEquals(3, api.requests("/l").size());
        }
    }

    @Test
    void aNextUrlOnAnotherHostIsRefused() throws Exception {
        try (FakeApi api = new FakeApi()) {
            api.route("/n", r -> FakeApi.Answer.json(items(0, 3, "\"next\": \"http://localhost:1/steal\"")));
            InMemoryInputStore store = store("url", api.uri("/n").toString(), "records", "/items",
                    "pagination", "next_url", "next_url_path", "/next", "auth", "bearer", "token", "tkn-secret");
            Exception e = assertThrows(Exception.class, () -> store.fetch(store.open()));
            assertTrue(e.getMessage().contains("another host"), e.getMessage());
        }
    }

    @Test
    void maxPagesStopsTheFetchAndTheNextOneContinues() throws Exception {
        try (FakeApi api = new FakeApi()) {
            api.route("/m", r -> {
                int page = param(r, "page", -1);
                return FakeApi.Answer.json(items((page - 1) * 5, page * 5, ""));
            });
            InMemoryInputStore store = store("url", api.uri("/m").toString(), "records", "/items",
                    "pagination", "page", "page_size", "5", "max_pages", "2");
            SourceInput input = store.open();
            store.fetch(input);
            assertEquals(10, store.events().size());
            assertTrue(store.progress().contains("max_pages (2) reached"), store.progress());
            store.fetch(input);
            store.fetch(input);
            assertEveryRecordOnce(store);
            assertEquals(List.of(1, 2, 3, 4, 5, 6), api.requests("/m").stream().map(r -> param(r, "page", -1)).toList());
        }
    }

    @Test
    void a429WithRetryAfterOnPage2WaitsAndResumesAtPage2() throws Exception {
        AtomicInteger failures = new AtomicInteger(1);
        try (FakeApi api = new FakeApi()) {
            api.route("/r", r -> {
                int page = param(r, "page", -1);
                if (page == 2 && failures.getAndDecrement() > 0) {
                    return FakeApi.Answer.status(429, Map.of("Retry-After", "120"));
                }
                return FakeApi.Answer.json(items((page - 1) * 10, page * 10, ""));
            });
            InMemoryInputStore store = store("url", api.uri("/r").toString(), "records", "/items",
                    "pagination", "page", "page_size", "10", "since_param", "since");
            SourceInput input = store.open();
            HttpStatusException e = assertThrows(HttpStatusException.class, () -> store.fetch(input));
            assertEquals(429, e.status());
            assertEquals(Duration.ofSeconds(120), e.retryAfter().orElseThrow());
            assertEquals(10, store.events().size(), "page 1 is stored");
            clock.advance(Duration.ofMinutes(2));
            store.fetch(input);
            assertEveryRecordOnce(store);
            List<Integer> pages = api.requests("/r").stream().map(r -> param(r, "page", -1)).toList();
            assertEquals(List.of(1, 2, 2, 3), pages, "page 1 is not read again, page 2 not skipped");
            assertEquals(1, api.requests("/r").stream().map(r -> r.query().replaceAll("page=\\d+", "")).distinct()
                    .count(), "the resumed pages keep the poll's window");
        }
    }

    @Test
    void a500OnPage2NeitherSkipsNorRepeats() throws Exception {
        AtomicInteger failures = new AtomicInteger(1);
        try (FakeApi api = new FakeApi()) {
            api.route("/f", r -> {
                int page = param(r, "page", -1);
                if (page == 2 && failures.getAndDecrement() > 0) {
                    return FakeApi.Answer.status(500, Map.of());
                }
                return FakeApi.Answer.json(items((page - 1) * 10, page * 10, ""));
            });
            InMemoryInputStore store = store("url", api.uri("/f").toString(), "records", "/items",
                    "pagination", "page", "page_size", "10");
            SourceInput input = store.open();
            HttpStatusException e = assertThrows(HttpStatusException.class, () -> store.fetch(input));
            assertEquals(500, e.status());
            store.fetch(input);
            assertEveryRecordOnce(store);
            assertEquals(0, store.duplicates(), "nothing was emitted twice");
        }
    }

    @Test
    void aUsedUpRateLimitEndsTheFetchAfterTheStoredPageUntilTheReset() throws Exception {
        try (FakeApi api = new FakeApi()) {
            long reset = clock.instant().plusSeconds(300).getEpochSecond();
            api.route("/x", r -> {
                int page = param(r, "page", -1);
                return FakeApi.Answer.json(items((page - 1) * 10, page * 10, "")).with(Map.of(
                        "X-RateLimit-Remaining", page == 1 ? "0" : "5", "X-RateLimit-Reset", Long.toString(reset)));
            });
            InMemoryInputStore store = store("url", api.uri("/x").toString(), "records", "/items",
                    "pagination", "page", "page_size", "10");
            SourceInput input = store.open();
            HttpStatusException e = assertThrows(HttpStatusException.class, () -> store.fetch(input));
            assertEquals(Duration.ofSeconds(300), e.retryAfter().orElseThrow());
            assertEquals(10, store.events().size());
            store.fetch(input);
            assertEveryRecordOnce(store);
        }
    }

    @Test
    void anEmptyAnswerStillAdvancesTheWindow() throws Exception {
        try (FakeApi api = new FakeApi()) {
            api.route("/e", r -> new FakeApi.Answer(200, "application/json", new byte[0], Map.of()));
            InMemoryInputStore store = store("url", api.uri("/e").toString(), "records", "/items",
                    "pagination", "page", "since_param", "since", "initial_lookback", "1h");
            SourceInput input = store.open();
            store.fetch(input);
            clock.advance(Duration.ofMinutes(10));
            store.fetch(input);
            assertEquals(List.of("since=2024-03-01T11%3A00%3A00Z&page=1", "since=2024-03-01T12%3A00%3A00Z&page=1"),
                    api.requests("/e").stream().map(FakeApi.Request::query).toList());
        }
    }

    @Test
    void aRestartMidPollResumesAtTheFirstPageNotStoredWithTheSameWindow() throws Exception {
        try (FakeApi api = new FakeApi()) {
            api.route("/s", r -> {
                int page = param(r, "page", -1);
                return FakeApi.Answer.json(items((page - 1) * 5, page * 5, ""));
            });
            InMemoryInputStore store = store("url", api.uri("/s").toString(), "records", "/items",
                    "pagination", "page", "page_size", "5", "max_pages", "2", "since_param", "since");
            SourceInput first = store.open();
            store.fetch(first);
            first.close();
            clock.advance(Duration.ofHours(2));
            SourceInput restarted = store.open(); // a new instance: a restart or a plugin update
            while (store.committed(PollState.KEY).isPresent()) {
                store.fetch(restarted);
            }
            assertEveryRecordOnce(store);
            List<String> windows = api.requests("/s").stream().map(r -> r.query().replaceAll("&page=\\d+.*", ""))
                    .distinct().toList();
            assertEquals(List.of("since=2024-02-29T12%3A00%3A00Z"), windows, "one window for the whole poll");
        }
    }
}
