package org.cybexp.input.source.file;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.cybexp.input.api.SourceInput;
import org.cybexp.input.testkit.InMemoryInputStore;
import org.cybexp.input.testkit.RunningFetch;

/** A file input over a temporary folder, run as the container runs it, and what it posted. For the tests. */
final class Tailing implements AutoCloseable {

    final Path dir;
    final InMemoryInputStore store;
    private SourceInput input;
    private RunningFetch running;

    Tailing(Path dir, String glob, Map<String, String> extra) throws Exception {
        this(dir, glob, extra, java.time.Clock.systemUTC());
    }

    Tailing(Path dir, String glob, Map<String, String> extra, java.time.Clock clock) throws Exception {
        this.dir = dir;
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("typetag", "test-lines");
        props.put("paths", dir.resolve(glob).toString());
        props.put("poll_ms", "20");
        props.put("record_seconds", "1");
        props.put("lines_per_record", "50");
        props.put("identity_wait", "1");
        props.put("fingerprint_bytes", "32");
        props.putAll(extra);
        store = InMemoryInputStore.builder(new FilePlugin()).properties(props).clock(clock).build();
    }

    Tailing start() throws Exception {
        input = store.open();
        running = store.start(input);
        return this;
    }

    /** Stops at once (the lines not yet checkpointed are dropped, as at a kill -9), and starts a new instance. */
    Tailing crashAndRestart() throws Exception {
        running.close();
        input.close();
        return start();
    }

    RunningFetch running() {
        return running;
    }

    /** Every posted line, in the order posted. */
    List<String> lines() {
        List<String> out = new ArrayList<>();
        for (String text : store.eventTexts()) {
            if (!text.endsWith("\n")) {
                throw new AssertionError("a record does not end with a newline: " + text);
            }
            for (String line : text.substring(0, text.length() - 1).split("\n", -1)) {
                out.add(line);
            }
        }
        return out;
    }

    /** Lines posted more than once, with their counts. */
    Map<String, Integer> duplicates() {
        Map<String, Integer> counts = new HashMap<>();
        for (String line : lines()) {
            counts.merge(line, 1, Integer::sum);
        }
        counts.values().removeIf(n -> n == 1);
        return counts;
    }

    static void append(Path file, String... lines) throws IOException {
        StringBuilder text = new StringBuilder();
        for (String line : lines) {
            text.append(line).append('\n');
        }
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    static List<String> numbered(String prefix, int from, int to) {
        List<String> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(String.format("%s line %06d of the test, padded to be long enough", prefix, i));
        }
        return out;
    }

    static Duration seconds(long s) {
        return Duration.ofSeconds(s);
    }

    @Override
    public void close() throws Exception {
        if (running != null) {
            running.close();
        }
        if (input != null) {
            input.close();
        }
    }
}
