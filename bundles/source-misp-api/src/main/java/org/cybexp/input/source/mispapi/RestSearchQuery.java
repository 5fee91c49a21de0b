package org.cybexp.input.source.mispapi;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

/**
 * The body of one {@code POST /events/restSearch}: the input's filters plus the org, page and cursor of one
 * request, in the field order of MISP's own documentation. The cursor is sent as MISP writes timestamps, a
 * string of unix seconds ({@code timestamp} means {@code Event.timestamp >= value}).
 */
final class RestSearchQuery {

    private static final JsonFactory JSON = new JsonFactory();

    private final int limit;
    private final Optional<Boolean> published;
    private final List<String> tags;

    RestSearchQuery(int limit, Optional<Boolean> published, List<String> tags) {
        this.limit = limit;
        this.published = published;
        this.tags = tags;
    }

    int limit() {
        return limit;
    }

    /**
     * @param org the creator organisation to ask for, or empty for all
     * @param page 1-based page number
     * @param from the cursor, unix seconds
     */
    byte[] body(String org, int page, long from) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("returnFormat", "json");
            if (!org.isEmpty()) {
                json.writeStringField("org", org);
            }
            json.writeNumberField("page", page);
            json.writeNumberField("limit", limit);
            json.writeStringField("timestamp", Long.toString(from));
            if (published.isPresent()) {
                json.writeBooleanField("published", published.get());
            }
            if (!tags.isEmpty()) {
                json.writeArrayFieldStart("tags");
                for (String tag : tags) {
                    json.writeString(tag);
                }
                json.writeEndArray();
            }
            // Attachments are base64 in the event: large, and nothing CYBEX-P's parser reads.
            json.writeBooleanField("withAttachments", false);
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return out.toByteArray();
    }
}
