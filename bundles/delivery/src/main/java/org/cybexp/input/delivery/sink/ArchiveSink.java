package org.cybexp.input.delivery.sink;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.cybexp.input.core.files.DurableFiles;
import org.cybexp.input.delivery.store.EventHeader;
import org.cybexp.input.delivery.store.InputFolder;
import org.cybexp.input.delivery.store.StoredEvent;

/**
 * The embedded sink when no API URL is configured: keeps each event as a file
 * {@code archive/<input>/<yyyy-MM-dd>/<seq>.<txt|json|jsonl|bin>} with {@code <seq>.meta.json} beside it.
 */
public final class ArchiveSink implements Sink {

    private final Path root;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();

    /** @param root the {@code data/archive} folder */
    public ArchiveSink(Path root, Clock clock) {
        this.root = root;
        this.clock = clock;
    }

    @Override
    public SinkAnswer deliver(StoredEvent event) throws IOException {
        Instant now = clock.instant();
        EventHeader header = event.header();
        Path day = root.resolve(InputFolder.of(header.name())).resolve(now.atOffset(ZoneOffset.UTC).toLocalDate().toString());
        String stem = event.seqText();
        // the body first: a meta file always describes a complete body
        BodyPart.write(event, day.resolve(stem + "." + extension(header.mediaType())));
        DurableFiles.write(day.resolve(stem + ".meta.json"), json.writeValueAsBytes(meta(header, now)));
        return new SinkAnswer(201, "stored in " + day, null);
    }

    private static Map<String, Object> meta(EventHeader header, Instant storedAt) {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("name", header.name());
        meta.put("orgid", header.orgid());
        meta.put("typetag", header.typetag());
        meta.put("timezone", header.timezone());
        meta.put("mediaType", header.mediaType());
        meta.put("sha256", header.sha256());
        meta.put("storedAt", storedAt.toString());
        return meta;
    }

    /** The file extension of a media type: txt, json, jsonl or bin. */
    static String extension(String mediaType) {
        String type = mediaType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return switch (type) {
            case "application/json" -> "json";
            case "application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonlines",
                    "application/jsonlines", "application/json-seq" -> "jsonl";
            default -> type.startsWith("text/") ? "txt" : type.endsWith("+json") ? "json" : "bin";
        };
    }

    @Override
    public void close() {
        // nothing held: every file is closed once written
    }
}
