package org.cybexp.input.delivery;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.cybexp.input.delivery.store.DurableFiles;
import org.cybexp.input.delivery.store.EventFile;
import org.cybexp.input.delivery.store.InputFolder;
import org.cybexp.input.delivery.store.StoredEvent;

/**
 * Events the API refused for good: {@code deadletter/<input>/<seq>.evt} (the outbox file as it was) and
 * {@code <seq>.json} beside it with the API's answer, for a person to read and resend.
 */
final class DeadLetters {

    private final Path root;
    private final EventFile format = new EventFile();
    private final ObjectMapper json = new ObjectMapper();

    /** @param root the {@code data/deadletter} folder */
    DeadLetters(Path root) {
        this.root = root;
    }

    /** Stores the event and the reason, both fsync'd, before the caller removes it from the outbox. */
    Path add(StoredEvent event, int status, String message, Instant at) throws IOException {
        Path dir = root.resolve(InputFolder.of(event.header().name()));
        DurableFiles.write(dir.resolve(event.seqText() + ".evt"), format.encode(event.record()));
        Map<String, Object> reason = new LinkedHashMap<>();
        reason.put("status", status);
        reason.put("message", message);
        reason.put("at", at.toString());
        reason.put("input", event.header().name());
        reason.put("typetag", event.header().typetag());
        DurableFiles.write(dir.resolve(event.seqText() + ".json"), json.writeValueAsBytes(reason));
        return dir;
    }
}
