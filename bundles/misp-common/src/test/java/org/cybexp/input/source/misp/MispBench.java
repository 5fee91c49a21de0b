package org.cybexp.input.source.misp;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.cybexp.input.api.Event;
import org.cybexp.input.api.FetchContext;
import org.cybexp.input.api.HttpAccess;
import org.cybexp.input.api.InputConfig;
import org.cybexp.input.api.PersistentState;
import org.cybexp.input.api.SourceInput;
import org.cybexp.input.testkit.LoopbackHttpAccess;

/**
 * Benchmark support for the MISP plugins (used by their {@code *Benchmark} mains, run by
 * {@code bench/misp/run.sh}): synthetic restSearch documents of any size, written streaming from the sample
 * events, and one fetch of an input through a context that keeps only dedup keys and counts, so that the heap
 * measured is the plugin's.
 */
public final class MispBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long BASE_TIMESTAMP = 1_700_000_000L;

    private MispBench() {
    }

    /** The i-th synthetic event's uuid. */
    public static String uuid(long i) {
        return String.format("00000000-0000-4000-8000-%012d", i);
    }

    /**
     * Writes {@code {"response": [...]}} with events {@code from..to} (1-based, inclusive; none if to < from):
     * the seven sample events in turn (2-38 KB each), each with its own uuid, id and timestamp.
     */
    public static void writeDownload(OutputStream out, long from, long to) throws IOException {
        List<ObjectNode> templates = new ArrayList<>();
        for (JsonNode element : JSON.readTree(MispFixtures.bytes("export/restsearch-download.json")).get("response")) {
            templates.add((ObjectNode) element.get("Event"));
        }
        try (JsonGenerator json = JSON.getFactory().createGenerator(out)) {
            json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            json.writeStartObject();
            json.writeArrayFieldStart("response");
            for (long i = from; i <= to; i++) {
                ObjectNode event = templates.get((int) (i % templates.size())).deepCopy();
                event.put("id", Long.toString(i));
                event.put("uuid", uuid(i));
                event.put("timestamp", Long.toString(BASE_TIMESTAMP + i));
                json.writeStartObject();
                json.writeFieldName("Event");
                JSON.writeTree(json, event);
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        }
    }

    /** Writes a download of n events to a file, once. */
    public static Path generate(Path file, long n) throws IOException {
        if (!Files.exists(file)) {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path partial = file.resolveSibling(file.getFileName() + ".part");
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(partial), 1 << 16)) {
                writeDownload(out, 1, n);
            }
            Files.move(partial, file);
        }
        return file;
    }

    /**
     * Runs one fetch of an input, prints a line of figures and fails unless exactly the events 1..expected
     * arrived, each once.
     */
    public static void run(String what, SourceInput input, InputConfig config, long expected) throws Exception {
        System.gc();
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
        long gcBefore = gcMillis();
        CountingContext ctx = new CountingContext(config);
        long start = System.nanoTime();
        try (ctx) {
            input.fetch(ctx);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long peak = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP)
                .mapToLong(pool -> pool.getPeakUsage().getUsed()).sum();
        System.out.printf("%s: %d events (%d MiB of JSON) in %.2f s = %.0f events/s; max heap %d MiB, peak heap "
                + "<= %d MiB, GC %d ms, %d checkpoints%n", what, ctx.events, ctx.bytes >> 20, seconds,
                ctx.events / seconds, Runtime.getRuntime().maxMemory() >> 20, peak >> 20, gcMillis() - gcBefore,
                ctx.checkpoints);
        if (ctx.events != expected || ctx.keys.size() != expected) {
            throw new AssertionError("expected " + expected + " distinct events, got " + ctx.events + " events with "
                    + ctx.keys.size() + " distinct keys");
        }
        for (long i = 1; i <= expected; i++) {
            if (!ctx.keys.contains(MispEvent.dedupKey(uuid(i), BASE_TIMESTAMP + i))) {
                throw new AssertionError("event " + i + " is missing");
            }
        }
    }

    private static long gcMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionTime).sum();
    }

    /** Keeps dedup keys and counts; drops bodies. */
    private static final class CountingContext implements FetchContext, Closeable {
        private final InputConfig config;
        private final Map<String, String> state = new HashMap<>();
        private final Set<String> keys = new HashSet<>();
        private final LoopbackHttpAccess http;
        private long events;
        private long bytes;
        private long checkpoints;

        CountingContext(InputConfig config) {
            this.config = config;
            this.http = new LoopbackHttpAccess(state());
        }

        @Override
        public InputConfig config() {
            return config;
        }

        @Override
        public void emit(Event event) {
            if (keys.addAll(event.dedupKeys())) {
                events++;
                bytes += event.size();
            }
        }

        /** Counted like {@link #emit}: a benchmark measures parsing, not the disk. */
        @Override
        public java.util.concurrent.CompletionStage<org.cybexp.input.api.EmitResult> emitDurably(Event event) {
            emit(event);
            return java.util.concurrent.CompletableFuture.completedFuture(org.cybexp.input.api.EmitResult.STORED);
        }

        @Override
        public boolean accepting() {
            return true;
        }

        @Override
        public org.cybexp.input.api.Network network() {
            throw new UnsupportedOperationException("no network in the benchmark");
        }

        @Override
        public boolean seen(String dedupKey) {
            return keys.contains(dedupKey);
        }

        @Override
        public PersistentState state() {
            return new PersistentState() {
                @Override
                public Optional<String> get(String key) {
                    return Optional.ofNullable(state.get(key));
                }

                @Override
                public void put(String key, String value) {
                    state.put(key, value);
                }

                @Override
                public void remove(String key) {
                    state.remove(key);
                }
            };
        }

        @Override
        public void checkpoint() {
            checkpoints++;
        }

        @Override
        public HttpAccess http() {
            return http;
        }

        @Override
        public boolean stopRequested() {
            return false;
        }

        @Override
        public boolean stopNow() {
            return false;
        }

        @Override
        public boolean awaitStop(Duration timeout) {
            return false;
        }

        @Override
        public void closeOnStop(Closeable resource) {
        }

        @Override
        public void malformed(String reason, byte[] sample) {
            throw new AssertionError("malformed: " + reason);
        }

        @Override
        public void progress(String detail) {
        }

        @Override
        public void statusDetail(String key, Object value) {
        }

        @Override
        public Clock clock() {
            return Clock.systemUTC();
        }

        @Override
        public void close() {
        }
    }
}
