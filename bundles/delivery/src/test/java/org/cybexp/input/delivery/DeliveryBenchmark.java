package org.cybexp.input.delivery;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.ToDoubleFunction;

import org.cybexp.input.api.Secret;
import org.cybexp.input.delivery.sink.ApiEndpoint;
import org.cybexp.input.delivery.sink.ApiSink;
import org.cybexp.input.delivery.store.EventRecord;
import org.cybexp.input.delivery.store.GroupCommit;
import org.cybexp.input.delivery.store.Outbox;
import org.cybexp.input.delivery.store.SegmentOutbox;
import org.cybexp.input.testkit.LoopbackRawApi;
import org.cybexp.input.core.control.Backoff;

/**
 * Records per second delivered to a fast loopback {@code /raw} ({@link LoopbackRawApi}, counting only), through
 * the real {@link DeliveryLoop} and {@link ApiSink}, with the durable {@link SegmentOutbox} and with a
 * {@link MemoryOutbox}, for several batch sizes (records per append) and numbers of inputs (delivered
 * concurrently, each with the default window of posts in flight). Per input, {@code appenders} threads append
 * its share as fast as they can, as the core does after each fetch (one thread), or as a listener storing from
 * several connections does, with a commit record of 16 bytes per record (the dedup keys); appends to one outbox
 * at the same time share fsyncs ({@link GroupCommit}). The time runs from the first append to the last
 * record the receiver took. Not a test: run it through {@code bench/delivery/run.sh}.
 *
 * <p>Arguments: {@code [records per run] [batch sizes, e.g. 1,10,100,1000] [inputs, e.g. 1,4] [rounds]
 * [data dir] [appenders per input, e.g. 1,4]}; defaults 30000, 1,10,100,1000, 1,4, 5, target/bench-data, 1.
 */
public final class DeliveryBenchmark {

    private static final int BODY_BYTES = 512;

    private record Result(String outbox, int inputs, int batch, long records, double appendPerSecond,
            double deliveredPerSecond, double appendsPerFsync) {
    }

    private DeliveryBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 30_000;
        int[] batches = ints(args.length > 1 ? args[1] : "1,10,100,1000");
        int[] inputCounts = ints(args.length > 2 ? args[2] : "1,4");
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        Path dataDir = Files.createDirectories(Path.of(args.length > 4 ? args[4] : "target/bench-data"));
        int[] appenderCounts = ints(args.length > 5 ? args[5] : "1");

        System.out.printf("fsync of one small append to a segment outbox in %s: %.2f ms (mean of 200)%n", dataDir,
                fsyncMillis(dataDir));
        try (LoopbackRawApi api = new LoopbackRawApi()) {
            api.keepRequests(false); // a fast receiver: parses and checks every post, keeps only the count
            for (int i = 0; i < 3; i++) { // warm-up of the JIT, the connection pool and the receiver
                run(api, dataDir, "memory", 10_000, 10, 1, 1);
                run(api, dataDir, "segment", 10_000, 10, 1, 1);
            }
            System.out.println();
            System.out.println("| inputs | appenders per input | records per append | in-memory outbox: delivered/s "
                    + "| segment outbox: appended/s | segment outbox: delivered/s | appends per fsync "
                    + "| segment / in-memory |");
            System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- |");
            for (int inputs : inputCounts) {
                for (int appenders : appenderCounts) {
                    for (int batch : batches) {
                        compare(api, dataDir, records, batch, inputs, appenders, rounds);
                    }
                }
            }
        }
    }

    /**
     * Runs both outboxes {@code rounds} times, in turn so that both meet the same load of a shared machine, and
     * prints a table row: the median of the runs, and the best one in parentheses.
     */
    private static void compare(LoopbackRawApi api, Path dataDir, int records, int batch, int inputs, int appenders,
            int rounds) throws Exception {
        List<Result> memory = new ArrayList<>();
        List<Result> segment = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            memory.add(run(api, dataDir, "memory", records, batch, inputs, appenders));
            segment.add(run(api, dataDir, "segment", records, batch, inputs, appenders));
        }
        double memoryDelivered = median(memory, Result::deliveredPerSecond);
        double segmentDelivered = median(segment, Result::deliveredPerSecond);
        System.out.printf(Locale.ROOT, "| %d | %d | %d | %,.0f (%,.0f) | %,.0f (%,.0f) | %,.0f (%,.0f) | %.1f | %.2f |%n",
                inputs, appenders, batch, memoryDelivered, best(memory, Result::deliveredPerSecond),
                median(segment, Result::appendPerSecond), best(segment, Result::appendPerSecond),
                segmentDelivered, best(segment, Result::deliveredPerSecond),
                median(segment, Result::appendsPerFsync), segmentDelivered / memoryDelivered);
    }

    private static double median(List<Result> results, ToDoubleFunction<Result> value) {
        double[] sorted = results.stream().mapToDouble(value).sorted().toArray();
        return sorted[sorted.length / 2];
    }

    private static double best(List<Result> results, ToDoubleFunction<Result> value) {
        return results.stream().mapToDouble(value).max().orElse(0);
    }

    private static Result run(LoopbackRawApi api, Path dataDir, String kind, int records, int batch, int inputs,
            int appenders) throws Exception {
        Path dir = Files.createTempDirectory(dataDir, kind + "-");
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        DeliveryTiming timing = new DeliveryTiming(Clock.systemUTC(), scheduler,
                new Backoff(Duration.ofMillis(10), Math::random), Duration.ofMinutes(5));
        int window = SinkSettings.DEFAULT_MAX_IN_FLIGHT;
        ApiSink sink = ApiSink.create(new ApiEndpoint(URI.create(api.url()), Secret.of("bench-token"),
                Duration.ofSeconds(30), window * inputs, true, null), Clock.systemUTC());
        List<GroupCommit> commits = new ArrayList<>();
        DeadLetters deadLetters = new DeadLetters(dir.resolve("deadletter"));
        List<DeliveryLoop> loops = new ArrayList<>();
        for (int i = 0; i < inputs; i++) {
            String name = "bench-" + i;
            Outbox outbox = kind.equals("memory") ? new MemoryOutbox()
                    : SegmentOutbox.open(dir.resolve("outbox").resolve(name), 0, commit(commits), problem -> {
                        throw new IllegalStateException(problem);
                    });
            loops.add(new DeliveryLoop(name, outbox, new InputStats(), () -> sink, deadLetters, timing, window));
        }
        long perAppender = records / inputs / appenders;
        long total = perAppender * appenders * inputs;
        long acceptedBefore = api.acceptedCount();
        List<Thread> producers = new ArrayList<>();
        long start = System.nanoTime();
        for (DeliveryLoop loop : loops) {
            for (int i = 0; i < appenders; i++) {
                Thread producer = new Thread(() -> produce(loop, perAppender, batch), "bench-producer");
                producers.add(producer);
                producer.start();
            }
        }
        for (Thread producer : producers) {
            producer.join();
        }
        long appended = System.nanoTime();
        while (api.acceptedCount() - acceptedBefore < total) {
            Thread.sleep(1); // a benchmark's wait: the receiver's count is the end of the measured span
        }
        long delivered = System.nanoTime();
        for (DeliveryLoop loop : loops) {
            loop.stop();
            loop.awaitStopped(Duration.ofSeconds(10));
            loop.outbox().close();
        }
        sink.close();
        scheduler.shutdownNow();
        deleteTree(dir);
        double appends = (double) total / batch;
        return new Result(kind, inputs, batch, total, total / seconds(start, appended), total / seconds(start, delivered),
                fsyncs(commits) == 0 ? 0 : appends / fsyncs(commits));
    }

    private static GroupCommit commit(List<GroupCommit> all) {
        GroupCommit commit = new GroupCommit(); // one per outbox, as in the delivery service
        all.add(commit);
        return commit;
    }

    private static long fsyncs(List<GroupCommit> all) {
        return all.stream().mapToLong(GroupCommit::fsyncs).sum();
    }

    /** Appends one input's records as fast as possible, each batch with its commit record, and wakes delivery. */
    private static void produce(DeliveryLoop loop, long records, int batch) {
        try {
            for (long n = 0; n < records; n += batch) {
                int size = (int) Math.min(batch, records - n);
                List<EventRecord> events = new ArrayList<>(size);
                for (int i = 0; i < size; i++) {
                    events.add(EventRecord.of("bench", "org1", "bench", "UTC", "application/json", body(n + i)));
                }
                loop.outbox().append(events, new byte[16 * size]);
                loop.wake();
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A unique JSON record of {@link #BODY_BYTES} bytes, shaped like a PhishTank one. */
    private static byte[] body(long n) {
        String head = "{\"phish_id\":\"" + n + "\",\"url\":\"https://login-" + n + ".bench.example/verify\","
                + "\"verified\":\"yes\",\"online\":\"yes\",\"target\":\"Other\",\"pad\":\"";
        String tail = "\"}\n";
        return (head + "x".repeat(Math.max(0, BODY_BYTES - head.length() - tail.length())) + tail)
                .getBytes(StandardCharsets.UTF_8);
    }

    private static double fsyncMillis(Path dataDir) throws IOException {
        Path dir = Files.createTempDirectory(dataDir, "fsync-");
        try (SegmentOutbox outbox = SegmentOutbox.open(dir, 0, problem -> { })) {
            List<EventRecord> one = List.of(EventRecord.of("x", "o", "t", "UTC", "text/plain", body(0)));
            for (int i = 0; i < 20; i++) {
                outbox.append(one);
            }
            long start = System.nanoTime();
            for (int i = 0; i < 200; i++) {
                outbox.append(one);
            }
            return (System.nanoTime() - start) / 200 / 1e6;
        } finally {
            deleteTree(dir);
        }
    }

    private static double seconds(long fromNanos, long toNanos) {
        return (toNanos - fromNanos) / 1e9;
    }

    private static int[] ints(String list) {
        return Arrays.stream(list.split(",")).mapToInt(s -> Integer.parseInt(s.trim())).toArray();
    }

    private static void deleteTree(Path root) throws IOException {
        try (var files = Files.walk(root)) {
            for (Path p : (Iterable<Path>) files.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
