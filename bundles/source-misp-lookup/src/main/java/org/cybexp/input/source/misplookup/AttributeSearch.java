package org.cybexp.input.source.misplookup;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.cybexp.input.api.Event;
import org.cybexp.input.api.FetchContext;
import org.cybexp.input.api.HttpRequest;
import org.cybexp.input.api.HttpResult;
import org.cybexp.input.api.HttpStatusException;
import org.cybexp.input.api.Secret;
import org.cybexp.input.api.SourceException;

/**
 * One value asked of MISP: {@code POST /attributes/restSearch} with {@code value}, {@code type} (one or a
 * list) when known, {@code page} and {@code limit}, page after page until a page is short or
 * {@code {"response": []}}. The matching attributes are grouped by their event, and each event is posted as
 * misp_api posts events, {@code {"Event": {...}}} (the event's fields MISP returns with an attribute, and the
 * matching attributes in {@code Attribute}), with the looked-up value beside it in {@code "lookup"}.
 */
final class AttributeSearch {

    /** The answer to one value: the events to post (empty: no hit). */
    record Answer(List<Event> events, int attributes) {
    }

    /** MISP refused this one value (400, 422): counted, and the other values go on. */
    static final class RefusedValueException extends Exception {
        private static final long serialVersionUID = 1L;

        RefusedValueException(String message) {
            super(message);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI endpoint;
    private final Secret key;
    private final int limit;
    private final int maxPages;
    private final long maxAnswerBytes;
    private final RequestPacer pacer;

    AttributeSearch(URI endpoint, Secret key, int limit, int maxPages, long maxAnswerBytes, RequestPacer pacer) {
        this.endpoint = endpoint;
        this.key = key;
        this.limit = limit;
        this.maxPages = maxPages;
        this.maxAnswerBytes = maxAnswerBytes;
        this.pacer = pacer;
    }

    Answer lookUp(FetchContext ctx, LookupValue value) throws IOException, SourceException, RefusedValueException,
            InterruptedException {
        Map<String, ObjectNode> events = new LinkedHashMap<>();
        int attributes = 0;
        for (int page = 1; page <= maxPages; page++) {
            pacer.awaitTurn(ctx);
            List<JsonNode> found = page(ctx, value, page);
            for (JsonNode attribute : found) {
                add(events, attribute);
            }
            attributes += found.size();
            if (found.size() < limit) {
                break;
            }
        }
        List<Event> posted = new ArrayList<>(events.size());
        for (ObjectNode event : events.values()) {
            posted.add(toEvent(event, value));
        }
        return new Answer(posted, attributes);
    }

    byte[] body(LookupValue value, int page) {
        ObjectNode body = JSON.createObjectNode();
        body.put("returnFormat", "json");
        body.put("value", value.value());
        if (value.types().size() == 1) {
            body.put("type", value.types().get(0));
        } else if (!value.types().isEmpty()) {
            ArrayNode types = body.putArray("type");
            value.types().forEach(types::add);
        }
        body.put("page", page);
        body.put("limit", limit);
        body.put("includeEventUuid", true);
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }

    private List<JsonNode> page(FetchContext ctx, LookupValue value, int page) throws IOException,
            SourceException, RefusedValueException {
        HttpRequest request = HttpRequest.post(endpoint, body(value, page), "application/json")
                .header("Accept", "application/json")
                .header("Authorization", key.reveal());
        byte[] bytes;
        try (HttpResult answer = ctx.http().send(request)) {
            ctx.closeOnStop(answer);
            try (InputStream in = answer.body()) {
                bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxAnswerBytes + 1));
            }
        } catch (HttpStatusException e) {
            if (e.status() == 401 || e.status() == 403) {
                throw new SourceException("MISP rejected the API key (HTTP " + e.status() + " for " + request
                        + "): check api_key, and that its user may use the API");
            }
            if (e.status() == 400 || e.status() == 422) {
                throw new RefusedValueException("MISP refused the search (HTTP " + e.status() + ")");
            }
            throw e;
        } catch (IOException e) {
            throw key.isEmpty() ? e : new IOException(key.mask(e.getClass().getSimpleName() + ": " + e.getMessage()));
        }
        if (bytes.length > maxAnswerBytes) {
            throw new SourceException("MISP's answer for one page of a value is over " + maxAnswerBytes
                    + " bytes: lower limit");
        }
        return attributes(bytes);
    }

    /** The attributes of one page; an empty page is {@code {"response": []}} or an empty Attribute list. */
    static List<JsonNode> attributes(byte[] bytes) throws SourceException {
        String start = new String(bytes, 0, Math.min(bytes.length, 64), StandardCharsets.UTF_8).strip()
                .toLowerCase(Locale.ROOT);
        if (start.startsWith("<")) {
            throw new SourceException("MISP's answer is an HTML page, not an attribute search result");
        }
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new SourceException("MISP's answer is not JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw new SourceException("MISP's answer could not be read (" + e.getMessage() + ")");
        }
        JsonNode response = root == null ? null : root.get("response");
        if (response == null) {
            throw new SourceException("MISP's answer is not an attribute search result (no \"response\")");
        }
        if (response.isArray() && response.isEmpty()) {
            return List.of();
        }
        JsonNode list = response.get("Attribute");
        if (list == null || !list.isArray()) {
            throw new SourceException("MISP's answer is not an attribute search result (no response.Attribute; "
                    + "is url the server's base URL?)");
        }
        List<JsonNode> attributes = new ArrayList<>(list.size());
        list.forEach(attributes::add);
        return attributes;
    }

    /** Adds an attribute to its event: the event's fields once, the attribute without its nested Event. */
    private static void add(Map<String, ObjectNode> events, JsonNode attribute) {
        JsonNode brief = attribute.path("Event");
        String id = brief.path("uuid").asText(attribute.path("event_uuid").asText(attribute.path("event_id")
                .asText("")));
        ObjectNode event = events.computeIfAbsent(id, k -> {
            ObjectNode fresh = JSON.createObjectNode();
            if (brief.isObject()) {
                fresh.setAll((ObjectNode) brief);
            } else {
                fresh.put("id", attribute.path("event_id").asText(""));
            }
            if (!fresh.has("uuid") && attribute.hasNonNull("event_uuid")) {
                fresh.set("uuid", attribute.get("event_uuid"));
            }
            fresh.putArray("Attribute");
            return fresh;
        });
        ObjectNode copy = attribute.deepCopy();
        copy.remove("Event");
        ((ArrayNode) event.get("Attribute")).add(copy);
    }

    /**
     * The posted file. Its dedup key is the value, the event and the newest timestamp of its matching
     * attributes: the same answer again is not posted twice, a changed attribute is.
     */
    private static Event toEvent(ObjectNode event, LookupValue value) {
        ObjectNode file = JSON.createObjectNode();
        file.set("Event", event);
        ObjectNode lookup = file.putObject("lookup");
        lookup.put("value", value.value());
        ArrayNode types = lookup.putArray("type");
        value.types().forEach(types::add);
        long newest = 0;
        for (JsonNode attribute : event.get("Attribute")) {
            newest = Math.max(newest, attribute.path("timestamp").asLong(0));
        }
        String id = event.path("uuid").asText(event.path("id").asText(""));
        return Event.of(file.toString().getBytes(StandardCharsets.UTF_8), "application/json")
                .withDedupKey("lookup|" + digest(value.key()) + "|" + id + "|" + newest);
    }

    /** Values may be long (URLs): the dedup key holds a digest of the lookup instead. */
    static String digest(String text) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
