package org.cybexp.input.delivery;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import org.cybexp.input.delivery.store.EventRecord;
import org.cybexp.input.delivery.store.InputFolder;
import org.cybexp.input.delivery.store.SegmentOutbox;
import org.cybexp.input.testkit.LoopbackRawApi;

/**
 * The drain of full outboxes: records stored while the API was unreachable (written into the outboxes before
 * the service starts, as a daemon finds them after a restart), then the real {@link DeliveryService} with
 * default settings delivers them, {@code max_in_flight} posts per input over the shared pool. The time runs
 * from the service's start to the last record delivered (every acknowledgement written down). Not a test: run
 * it through {@code bench/delivery/drain.sh}.
 *
 * <p>Arguments: {@code SINK INPUTS [RECORDS_PER_INPUT] [MAX_IN_FLIGHT]}: {@code SINK} is {@code delay:<ms>} for
 * a loopback {@code /raw} that answers each post after that delay ({@link LoopbackRawApi} with a latency; the
 * limit printed is {@code min(inputs * max_in_flight, connections) / delay}), or an http URL (nginx answering at
 * once; the script prints wrk's figures of the same run). {@code INPUTS} e.g. {@code 1,4}.
 */
public final class DrainBenchmark {

    private static final int BODY_BYTES = 512;
    private static final String TOKEN = "drain-bench-token";

    /** The CPU time the JVM used during the latest drain (all its threads), from the service's start. */
    private static long lastDrainCpuNanos;
    /** Of it, the time in the kernel (system calls: the sockets, the outbox's files), in clock ticks. */
    private static long lastDrainKernelTicks;
    /** How long the JIT compiled during the last drain (ms). */
    private static long lastDrainJitMillis;

    private DrainBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String sink = args[0];
        int[] inputCounts = Arrays.stream(args[1].split(",")).mapToInt(Integer::parseInt).toArray();
        int window = args.length > 3 ? Integer.parseInt(args[3]) : SinkSettings.DEFAULT_MAX_IN_FLIGHT;
        Path scratch = Files.createDirectories(Path.of(System.getProperty("bench.data", "target/drain-data")));
        if (sink.startsWith("delay:")) {
            long delayMillis = Long.parseLong(sink.substring("delay:".length()));
            try (LoopbackRawApi api = new LoopbackRawApi(TOKEN)) {
                api.keepRequests(false);
                warmUp(scratch, api.url(), window, 2, 5_000);
                api.latency(Duration.ofMillis(delayMillis));
                for (int inputs : inputCounts) {
                    // about 8 s of the limit per run, at least 500 records per input
                    int perInput = args.length > 2 ? Integer.parseInt(args[2])
                            : (int) Math.max(500, window * 8000 / Math.max(1, delayMillis));
                    // the pool is sized to match by default (max_connections 0): every post has a connection
                    double limit = inputs * window * 1000.0 / delayMillis;
                    double rate = drain(scratch, api.url(), inputs, perInput, window);
                    System.out.printf(Locale.ROOT, "| %d ms | %d | %d | %,d | %,.0f/s | %,.0f/s | %.2f |%n",
                            delayMillis, inputs, window, inputs * perInput, rate, limit, rate / limit);
                }
            }
        } else {
            for (int inputs : inputCounts) {
                int perInput = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
                warmUp(scratch, sink, window, inputs, perInput); // the very shape measured: 1 loop of 8 is not 4
                double rate = drain(scratch, sink, inputs, perInput, window);
                long compiled = lastDrainJitMillis;
                double cpuMicros = lastDrainCpuNanos / 1e3 / (inputs * (double) perInput);
                double kernelMicros = lastDrainKernelTicks * 1e6 / TICKS_PER_SECOND / (inputs * (double) perInput);
                System.out.printf(Locale.ROOT, "drain inputs=%d max_in_flight=%d records=%d rate=%.0f "
                        + "cpu_us_per_record=%.1f kernel_us_per_record=%.1f jit_ms=%d%n", inputs, window,
                        inputs * perInput, rate, cpuMicros, kernelMicros, compiled);
            }
        }
    }

    /** The CPU time this JVM used so far, all threads (the drain's, its GC's and JIT's). */
    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** Linux's USER_HZ, the unit of /proc's CPU times. */
    private static final double TICKS_PER_SECOND = 100;

    /** The kernel-mode CPU time of this JVM so far (/proc/self/stat, field 15), or 0 where there is none. */
    private static long kernelTicks() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[12]); // stime: field 15 of the line, 13th after the command
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /**
     * Drains outboxes first, unmeasured, of the shape measured next (as many inputs, as many records), until the
     * JIT is done with the path (a running daemon's is warm): at
     * least three drains, then until one ran with less than 50 ms of compiling (else the JIT's own CPU, half a
     * core on this machine after only three, is counted in the drain's), at most {@value #MAX_WARM_UPS} (twelve
     * were not always enough on a slower day of this machine).
     */
    private static final int MAX_WARM_UPS = 24;

    private static void warmUp(Path scratch, String url, int window, int inputs, int perInput) throws Exception {
        for (int i = 1; i <= MAX_WARM_UPS; i++) {
            drain(scratch, url, inputs, perInput, window);
            if (i >= 3 && lastDrainJitMillis < 50) {
                System.err.printf(Locale.ROOT, "warm-up: %d drains of %,d records (the last compiled %d ms)%n",
                        i, inputs * perInput, lastDrainJitMillis);
                return;
            }
        }
        System.err.println("warm-up: " + MAX_WARM_UPS + " drains, the JIT still compiling");
    }

    /** Waits (at most 3 s) until the JIT has compiled nothing for 200 ms: what the fill made hot is not the drain's. */
    private static void awaitJitQuiet() throws InterruptedException {
        var jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        long end = System.nanoTime() + 3_000_000_000L;
        long last = jit.getTotalCompilationTime();
        long quietSince = System.nanoTime();
        while (System.nanoTime() < end && System.nanoTime() - quietSince < 200_000_000L) {
            Thread.sleep(20); // a benchmark's wait between phases, not a test's
            long now = jit.getTotalCompilationTime();
            if (now != last) {
                last = now;
                quietSince = System.nanoTime();
            }
        }
    }

    /** @return records per second from the service's start to the last acknowledgement */
    private static double drain(Path scratch, String url, int inputs, int perInput, int window) throws Exception {
        Path data = Files.createTempDirectory(scratch, "drain-");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < inputs; i++) {
            String name = "bench-" + i;
            names.add(name);
            fill(data.resolve("outbox").resolve(InputFolder.of(name)), name, perInput);
        }
        SinkSettings settings = new SinkSettings(url, TOKEN, Duration.ofSeconds(30), 0, true, "", window);
        awaitJitQuiet();
        var jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        long compiledBefore = jit.getTotalCompilationTime();
        long start = System.nanoTime();
        long cpuStart = cpuNanos();
        long kernelStart = kernelTicks();
        DeliveryService service = new DeliveryService(data, settings, DeliveryTiming.standard(),
                new SecretResolver(name -> null));
        long total = (long) inputs * perInput;
        try {
            while (names.stream().mapToLong(n -> service.stats(n).delivered()).sum() < total) {
                Thread.sleep(2); // a benchmark's wait: the last acknowledgement ends the measured span
            }
            double rate = total / ((System.nanoTime() - start) / 1e9);
            lastDrainCpuNanos = cpuNanos() - cpuStart;
            lastDrainKernelTicks = kernelTicks() - kernelStart;
            lastDrainJitMillis = jit.getTotalCompilationTime() - compiledBefore;
            return rate;
        } finally {
            service.deactivate();
            deleteTree(data);
        }
    }

    /** Stores the records as the core would have while the API was unreachable: batches of 1000 per append. */
    private static void fill(Path dir, String name, int records) throws IOException {
        try (SegmentOutbox outbox = SegmentOutbox.open(dir, 1, problem -> {
            throw new IllegalStateException(problem);
        })) {
            List<EventRecord> batch = new ArrayList<>();
            for (int n = 0; n < records; n++) {
                batch.add(EventRecord.of(name, "org1", "phishtank", "UTC", "application/json", body(n)));
                if (batch.size() == 1000 || n == records - 1) {
                    outbox.append(batch, new byte[16]);
                    batch = new ArrayList<>();
                }
            }
        }
    }

    /** A unique JSON record of {@link #BODY_BYTES} bytes, shaped like a PhishTank one. */
    static byte[] body(long n) {
        String head = "{\"phish_id\":\"" + n + "\",\"url\":\"https://login-" + n + ".bench.example/verify\","
                + "\"verified\":\"yes\",\"online\":\"yes\",\"target\":\"Other\",\"pad\":\"";
        String tail = "\"}\n";
        return (head + "x".repeat(Math.max(0, BODY_BYTES - head.length() - tail.length())) + tail)
                .getBytes(StandardCharsets.UTF_8);
    }

    private static void deleteTree(Path root) throws IOException {
        try (var files = Files.walk(root)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
