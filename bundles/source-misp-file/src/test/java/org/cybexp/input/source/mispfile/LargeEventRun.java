package org.cybexp.input.source.mispfile;

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.cybexp.input.api.SourceException;
import org.cybexp.input.api.SourceInput;
import org.cybexp.input.source.misp.LargeMispEvent;
import org.cybexp.input.testkit.InMemoryInputStore;

/**
 * Run in a JVM of its own with a small heap by {@link LargeEventTest}: a drop folder holding a 50 MB MISP event
 * ({@code a-large.json}, a base64 malware sample) and a small one behind it ({@code b-small.json}), read in one
 * look. Prints what happened and the peak heap, one {@code key=value} a line.
 */
public final class LargeEventRun {

    static final String LARGE = "5721c2e4-05ec-4af3-9264-411b950d210f";
    static final String SMALL = "57e27c3d-17a8-4c3b-8195-493e950d210f";
    static final long SAMPLE_BYTES = 50_000_000;

    private LargeEventRun() {
    }

    /** {@code <directory> [max_event_bytes]} */
    public static void main(String[] args) throws Exception {
        Path dir = Files.createDirectories(Path.of(args[0]));
        try (InputStream event = LargeMispEvent.document(LARGE, 1700000002, SAMPLE_BYTES)) {
            Files.copy(event, dir.resolve("a-large.json"));
        }
        Files.writeString(dir.resolve("b-small.json"), "{\"Event\": " + LargeMispEvent.small(SMALL) + "}");
        Map<String, String> properties = new HashMap<>(Map.of("directory", dir.toString(), "min_age", "0"));
        if (args.length > 1) {
            properties.put("max_event_bytes", args[1]);
        }
        InMemoryInputStore store = InMemoryInputStore.builder(new MispFilePlugin()).name("files")
                .properties(properties).build();
        SourceInput input = store.open();
        long start = System.nanoTime();
        String failure = "";
        try {
            store.fetch(input);
        } catch (SourceException e) {
            failure = e.getMessage();
        }
        System.out.println("millis=" + (System.nanoTime() - start) / 1_000_000);
        System.out.println("peakMiB=" + peakHeap() / (1 << 20));
        System.out.println("maxHeapMiB=" + Runtime.getRuntime().maxMemory() / (1 << 20));
        System.out.println("events=" + String.join(",", store.eventTexts().stream()
                .map(t -> t.substring(t.indexOf("\"uuid\":\"") + 8, t.indexOf("\"uuid\":\"") + 44)).toList()));
        System.out.println("processed=" + Files.exists(dir.resolve("processed/b-small.json")));
        System.out.println("failed=" + Files.exists(dir.resolve("failed/a-large.json.bak")));
        System.out.println("failure=" + failure);
    }

    private static long peakHeap() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak;
    }
}
