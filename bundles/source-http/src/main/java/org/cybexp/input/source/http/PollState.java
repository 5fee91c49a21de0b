package org.cybexp.input.source.http;

import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.Optional;

import org.cybexp.input.api.PersistentState;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A poll in progress, kept in the state (key {@value #KEY}) after each stored page: its fixed window and the
 * next page to read. While it is there, a fetch resumes it; when the last page is stored it is removed and the
 * next poll's bound ({@value #SINCE}) is committed with that page.
 *
 * @param since the poll's lower bound, or null for none
 * @param start when the poll began
 * @param next the next page to read
 * @param pages pages stored so far
 * @param records records read so far
 * @param largestRecord the largest record time stored so far (since_source = record:...), or null
 */
record PollState(Instant since, Instant start, PagePosition next, long pages, long records, Instant largestRecord) {

    static final String KEY = "http.poll";
    static final String SINCE = "http.since";

    static Optional<PollState> read(PersistentState state) {
        Optional<String> saved = state.get(KEY);
        if (saved.isEmpty()) {
            return Optional.empty();
        }
        try {
            JsonNode json = RecordReader.JSON.readTree(saved.get());
            JsonNode next = json.path("next");
            PagePosition position = new PagePosition(next.path("page").asLong(), next.path("offset").asLong(),
                    text(next, "cursor"), Optional.ofNullable(text(next, "url")).map(URI::create).orElse(null));
            return Optional.of(new PollState(instant(json, "since"), instant(json, "start"), position,
                    json.path("pages").asLong(), json.path("records").asLong(), instant(json, "largest")));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty(); // a hand-edited state: start a new poll; dedup keeps records from repeating
        }
    }

    /** The bound of the next poll from the state, if a poll finished before. */
    static Optional<Instant> committedSince(PersistentState state) {
        return state.get(SINCE).flatMap(text -> {
            try {
                return Optional.of(Instant.ofEpochMilli(Long.parseLong(text.strip())));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        });
    }

    void save(PersistentState state) {
        ObjectNode json = RecordReader.JSON.createObjectNode();
        put(json, "since", since);
        put(json, "start", start);
        ObjectNode position = json.putObject("next");
        position.put("page", next.page());
        position.put("offset", next.offset());
        if (next.cursor() != null) {
            position.put("cursor", next.cursor());
        }
        if (next.url() != null) {
            position.put("url", next.url().toString());
        }
        json.put("pages", pages);
        json.put("records", records);
        put(json, "largest", largestRecord);
        state.put(KEY, json.toString());
    }

    PollState after(PagePosition following, long pageRecords, Instant pageLargest) {
        Instant largest = largestRecord == null || (pageLargest != null && pageLargest.isAfter(largestRecord))
                ? pageLargest : largestRecord;
        return new PollState(since, start, following, pages + 1, records + pageRecords, largest);
    }

    private static void put(ObjectNode json, String field, Instant value) {
        if (value != null) {
            json.put(field, value.toEpochMilli());
        }
    }

    private static Instant instant(JsonNode json, String field) {
        return json.hasNonNull(field) ? Instant.ofEpochMilli(json.get(field).asLong()) : null;
    }

    private static String text(JsonNode json, String field) {
        return json.hasNonNull(field) ? json.get(field).asText() : null;
    }
}
