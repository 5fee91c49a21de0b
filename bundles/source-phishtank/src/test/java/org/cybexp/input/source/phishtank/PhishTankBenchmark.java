package org.cybexp.input.source.phishtank;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.cybexp.input.api.Event;
import org.cybexp.input.api.FetchContext;
import org.cybexp.input.api.HttpAccess;
import org.cybexp.input.api.InputConfig;
import org.cybexp.input.api.PersistentState;
import org.cybexp.input.testkit.InputConfigs;
import org.cybexp.input.testkit.LoopbackHttpAccess;

/**
 * Runs one PhishTank fetch over a large generated dump and prints time and memory, to show that the input
 * streams: run it with a small heap ({@code bench/phishtank/run.sh} uses {@code -Xmx128m}).
 *
 * <p>Usage: {@code PhishTankBenchmark [records] [dump file]}; {@code -Dbench.generateOnly=true} only writes the
 * dump. The dump (bzip2, several concatenated streams as
 * pbzip2 writes them) is generated once, streaming, and reused. The fetch goes through the real input with a
 * {@code file:} URL; the context counts events and keeps their dedup keys as 128-bit hashes (as the core's
 * dedup store does) but drops the bodies, so the numbers are the plugin's.
 */
public final class PhishTankBenchmark {

    private static final int RECORDS_PER_STREAM = 50_000;
    private static final String[] BRANDS = {"PayPal", "Apple", "Microsoft", "Facebook", "Netflix", "DHL",
        "Wells Fargo & Company", "Other"};

    private PhishTankBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        Path dump = Path.of(args.length > 1 ? args[1] : "target/bench/online-valid-" + records + ".json.bz2");
        if (!Files.exists(dump)) {
            long start = System.nanoTime();
            generate(dump, records);
            System.out.printf("generated %s: %d records, %d bytes, %.1f s%n", dump, records, Files.size(dump),
                    (System.nanoTime() - start) / 1e9);
        }
        if (Boolean.getBoolean("bench.generateOnly")) {
            return;
        }
        Runtime runtime = Runtime.getRuntime();
        System.out.printf("java %s, max heap %d MiB, GC %s%n", System.getProperty("java.version"),
                runtime.maxMemory() >> 20, gcNames());

        System.gc();
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
        long gcBefore = gcMillis();
        CountingContext ctx = new CountingContext(dump.toAbsolutePath().toUri().toString());
        long start = System.nanoTime();
        try (PhishTankInput input = (PhishTankInput) new PhishTankPlugin().open(ctx.config())) {
            input.fetch(ctx);
        } finally {
            ctx.close();
        }
        double seconds = (System.nanoTime() - start) / 1e9;

        System.out.printf("fetched %d records (%d new, %d duplicates, %d malformed), %d MiB of JSON posted%n",
                ctx.emitted + ctx.duplicates, ctx.emitted, ctx.duplicates, ctx.malformed, ctx.bytes >> 20);
        System.out.printf("time %.2f s, %.0f records/s; peak heap used %d MiB; GC time %d ms; status '%s'%n",
                seconds, (ctx.emitted + ctx.duplicates) / seconds, peakHeapUsed() >> 20, gcMillis() - gcBefore,
                ctx.progress);
        if (ctx.emitted != records) {
            throw new IllegalStateException("expected " + records + " new records, got " + ctx.emitted);
        }
    }

    /** Writes a dump of synthetic records like the fixtures', in several bzip2 streams, never in memory. */
    static void generate(Path file, int records) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path partial = file.resolveSibling(file.getFileName() + ".part");
        Random random = new Random(7);
        JsonFactory json = new JsonFactory();
        Instant time = Instant.parse("2024-05-06T00:00:00Z");
        long id = 8_500_000L + 5L * records;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(partial), 1 << 16)) {
            for (int first = 0; first < records; first += RECORDS_PER_STREAM) {
                // one bzip2 stream per slice, concatenated, as pbzip2 writes them
                BZip2CompressorOutputStream bz = new BZip2CompressorOutputStream(new NonClosing(out));
                JsonGenerator gen = json.createGenerator(bz);
                gen.writeRaw(first == 0 ? "[" : "");
                for (int i = first; i < Math.min(records, first + RECORDS_PER_STREAM); i++) {
                    if (i > 0) {
                        gen.writeRaw(',');
                    }
                    id -= 1 + random.nextInt(4);
                    time = time.minusSeconds(1 + random.nextInt(30));
                    writeRecord(gen, random, id, time);
                }
                if (first + RECORDS_PER_STREAM >= records) {
                    gen.writeRaw(']');
                }
                gen.close();
                bz.close();
            }
        }
        Files.move(partial, file);
    }

    private static void writeRecord(JsonGenerator gen, Random random, long id, Instant submitted) throws IOException {
        String brand = BRANDS[random.nextInt(BRANDS.length)];
        Instant verified = submitted.plusSeconds(60 + random.nextInt(3600));
        gen.writeStartObject();
        gen.writeStringField("phish_id", Long.toString(id));
        gen.writeStringField("url", "https://" + brand.toLowerCase().replaceAll("[^a-z]", "") + "-"
                + Long.toHexString(random.nextLong()) + ".example/" + Long.toHexString(random.nextLong())
                + "/login.php?id=" + random.nextInt(1_000_000));
        gen.writeStringField("phish_detail_url", "http://www.phishtank.com/phish_detail.php?phish_id=" + id);
        gen.writeStringField("submission_time", submitted + "");
        gen.writeStringField("verified", "yes");
        gen.writeStringField("verification_time", verified + "");
        gen.writeStringField("online", "yes");
        gen.writeArrayFieldStart("details");
        for (int d = random.nextInt(3); d > 0; d--) {
            int net = random.nextInt(3);
            String prefix = net == 0 ? "192.0.2" : net == 1 ? "198.51.100" : "203.0.113";
            gen.writeStartObject();
            gen.writeStringField("ip_address", prefix + "." + (1 + random.nextInt(254)));
            gen.writeStringField("cidr_block", prefix + ".0/24");
            gen.writeStringField("announcing_network", Integer.toString(64496 + random.nextInt(16)));
            gen.writeStringField("rir", "ripencc");
            gen.writeStringField("country", "NL");
            gen.writeStringField("detail_time", verified.plusSeconds(1 + random.nextInt(120)) + "");
            gen.writeEndObject();
        }
        gen.writeEndArray();
        gen.writeStringField("target", brand);
        gen.writeEndObject();
    }

    private static String gcNames() {
        return String.join("+", ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(GarbageCollectorMXBean::getName).toList());
    }

    private static long gcMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionTime).sum();
    }

    /** The sum of the heap pools' peaks since the reset: an upper bound of the live heap. */
    private static long peakHeapUsed() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    }

    /** Lets each bzip2 stream finish without closing the file under it. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }

    /** A context that counts what is emitted and keeps only the dedup keys' hashes, as the core does. */
    private static final class CountingContext implements FetchContext, Closeable {
        private final InputConfig config;
        private final Map<String, String> state = new HashMap<>();
        private final Set<KeyHash> seen = new HashSet<>();
        private final List<Closeable> resources = new ArrayList<>();
        private final PersistentState persistent = new PersistentState() {
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
        private final HttpAccess http = new LoopbackHttpAccess(persistent);
        long emitted;
        long duplicates;
        long malformed;
        long bytes;
        String progress;

        CountingContext(String url) throws Exception {
            this.config = InputConfigs.of(new PhishTankPlugin(), "bench", Map.of("orgid", "bench", "url", url));
        }

        @Override
        public InputConfig config() {
            return config;
        }

        @Override
        public void emit(Event event) {
            if (seen.add(KeyHash.of(event.dedupKeys().get(0)))) {
                emitted++;
                bytes += event.size();
            } else {
                duplicates++;
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
            return seen.contains(KeyHash.of(dedupKey));
        }

        @Override
        public PersistentState state() {
            return persistent;
        }

        @Override
        public void checkpoint() {
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
            resources.add(resource);
        }

        @Override
        public void malformed(String reason, byte[] sample) {
            malformed++;
        }

        @Override
        public void progress(String detail) {
            progress = detail;
        }

        @Override
        public void statusDetail(String key, Object value) {
        }

        @Override
        public Clock clock() {
            return Clock.systemUTC();
        }

        @Override
        public void close() throws IOException {
            for (Closeable resource : resources) {
                resource.close();
            }
        }
    }

    /** The first 128 bits of a key's SHA-256, like the core's dedup store. */
    private record KeyHash(long high, long low) {
        static KeyHash of(String key) {
            try {
                ByteBuffer digest = ByteBuffer.wrap(MessageDigest.getInstance("SHA-256")
                        .digest(key.getBytes(StandardCharsets.UTF_8)));
                return new KeyHash(digest.getLong(), digest.getLong());
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
