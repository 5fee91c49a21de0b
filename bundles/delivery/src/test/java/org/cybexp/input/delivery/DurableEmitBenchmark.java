package org.cybexp.input.delivery;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;

import org.cybexp.input.api.EmitResult;
import org.cybexp.input.api.Event;
import org.cybexp.input.api.InputConfig;
import org.cybexp.input.api.Secret;
import org.cybexp.input.core.control.Backoff;
import org.cybexp.input.core.control.DeliveryStats;
import org.cybexp.input.core.control.EventStore;
import org.cybexp.input.core.fetch.FetchCounters;
import org.cybexp.input.core.fetch.HttpAccessProvider;
import org.cybexp.input.core.fetch.InputFetchContext;
import org.cybexp.input.core.http.HttpClientSettings;
import org.cybexp.input.core.http.InputHttpSettings;
import org.cybexp.input.core.network.InputNetwork;
import org.cybexp.input.core.network.ServerTlsSettings;
import org.cybexp.input.core.store.DedupStore;
import org.cybexp.input.core.store.StateStore;
import org.cybexp.input.delivery.sink.ApiEndpoint;
import org.cybexp.input.delivery.sink.ApiSink;
import org.cybexp.input.delivery.store.EventRecord;
import org.cybexp.input.delivery.store.GroupCommit;
import org.cybexp.input.delivery.store.Outbox;
import org.cybexp.input.delivery.store.SegmentOutbox;
import org.cybexp.input.testkit.LoopbackRawApi;

/**
 * The path a listener really uses: one record per {@code FetchContext.emitDurably} call on the core's real
 * {@link InputFetchContext} (its storing thread stores everything queued since its last store in one append, one
 * fsync), with {@code outstanding} calls not yet completed per input (a listener with many senders, or a RELP
 * window: the sender gets its answer when the stage completes). The outbox behind it is the durable
 * {@link SegmentOutbox} or a {@link MemoryOutbox}, drained by the real {@link DeliveryLoop} and {@link ApiSink} to
 * a fast loopback {@code /raw} ({@link LoopbackRawApi}, counting only). The time runs from the first emit to the
 * last record the receiver took. Not a test: run it through {@code bench/delivery/run.sh}.
 *
 * <p>Arguments: {@code [records per run] [outstanding, e.g. 1,16,64] [inputs, e.g. 1,4] [rounds] [data dir]}.
 */
public final class DurableEmitBenchmark {

    private record Result(double emittedPerSecond, double deliveredPerSecond, double emitsPerFsync) {
    }

    private static final InputHttpSettings NO_HTTP = new InputHttpSettings(HttpClientSettings.DEFAULT, "bench/1",
            Duration.ofSeconds(10));

    private DurableEmitBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int[] outstandings = ints(args.length > 1 ? args[1] : "1,16,64");
        int[] inputCounts = ints(args.length > 2 ? args[2] : "1,4");
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        Path dataDir = Files.createDirectories(Path.of(args.length > 4 ? args[4] : "target/bench-data"));
        try (LoopbackRawApi api = new LoopbackRawApi()) {
            api.keepRequests(false);
            for (int i = 0; i < 3; i++) { // warm-up of the JIT, the pool and the receiver
                run(api, dataDir, "memory", 10_000, 16, 1);
                run(api, dataDir, "segment", 10_000, 16, 1);
            }
            System.out.println();
            System.out.println("| inputs | emitDurably calls outstanding per input | in-memory outbox: delivered/s "
                    + "| segment outbox: stored/s | segment outbox: delivered/s | records per fsync "
                    + "| segment / in-memory |");
            System.out.println("| --- | --- | --- | --- | --- | --- | --- |");
            for (int inputs : inputCounts) {
                for (int outstanding : outstandings) {
                    List<Result> memory = new ArrayList<>();
                    List<Result> segment = new ArrayList<>();
                    for (int i = 0; i < rounds; i++) { // in turn: both meet the same load of a shared machine
                        memory.add(run(api, dataDir, "memory", records, outstanding, inputs));
                        segment.add(run(api, dataDir, "segment", records, outstanding, inputs));
                    }
                    double m = median(memory, Result::deliveredPerSecond);
                    double s = median(segment, Result::deliveredPerSecond);
                    System.out.printf(Locale.ROOT, "| %d | %d | %,.0f (%,.0f) | %,.0f (%,.0f) | %,.0f (%,.0f) "
                            + "| %.1f | %.2f |%n", inputs, outstanding, m, best(memory, Result::deliveredPerSecond),
                            median(segment, Result::emittedPerSecond), best(segment, Result::emittedPerSecond), s,
                            best(segment, Result::deliveredPerSecond), median(segment, Result::emitsPerFsync), s / m);
                }
            }
        }
    }

    private static Result run(LoopbackRawApi api, Path dataDir, String kind, int records, int outstanding,
            int inputs) throws Exception {
        Path dir = Files.createTempDirectory(dataDir, "emit-" + kind + "-");
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        DeliveryTiming timing = new DeliveryTiming(Clock.systemUTC(), scheduler,
                new Backoff(Duration.ofMillis(10), Math::random), Duration.ofMinutes(5));
        int window = SinkSettings.DEFAULT_MAX_IN_FLIGHT;
        ApiSink sink = ApiSink.create(new ApiEndpoint(URI.create(api.url()), Secret.of("bench-token"),
                Duration.ofSeconds(30), window * inputs, true, null), Clock.systemUTC());
        DeadLetters deadLetters = new DeadLetters(dir.resolve("deadletter"));
        List<GroupCommit> commits = new ArrayList<>();
        List<DeliveryLoop> loops = new ArrayList<>();
        List<InputFetchContext> contexts = new ArrayList<>();
        List<AutoCloseable> stores = new ArrayList<>();
        for (int i = 0; i < inputs; i++) {
            String name = "bench-" + i;
            GroupCommit commit = new GroupCommit(); // one per outbox, as in the delivery service
            commits.add(commit);
            Outbox outbox = kind.equals("memory") ? new MemoryOutbox()
                    : SegmentOutbox.open(dir.resolve("outbox").resolve(name), 0, commit, problem -> {
                        throw new IllegalStateException(problem);
                    });
            DeliveryLoop loop = new DeliveryLoop(name, outbox, new InputStats(), () -> sink, deadLetters, timing,
                    window);
            loops.add(loop);
            Path state = dir.resolve("state").resolve(name);
            DedupStore dedup = DedupStore.open(state, 180, Clock.systemUTC());
            stores.add(dedup::close);
            InputConfig config = new InputConfig("bench", name, "org1", "bench", ZoneOffset.UTC,
                    Duration.ofSeconds(60), true, Map.of());
            contexts.add(new InputFetchContext(config, new LoopStore(loop), dedup, StateStore.open(state),
                    new FetchCounters(), Clock.systemUTC(), HttpAccessProvider.of(
                            new InputNetwork(NO_HTTP, ServerTlsSettings.NONE), (s, r) -> {
                                throw new IllegalStateException("no HTTP here");
                            })));
        }
        long perInput = records / inputs;
        long total = perInput * inputs;
        long acceptedBefore = api.acceptedCount();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        AtomicLong stored = new AtomicLong();
        List<Thread> listeners = new ArrayList<>();
        long start = System.nanoTime();
        for (InputFetchContext context : contexts) {
            Thread listener = new Thread(() -> listen(context, perInput, outstanding, stored, failed),
                    "bench-listener");
            listeners.add(listener);
            listener.start();
        }
        for (Thread listener : listeners) {
            listener.join();
        }
        long emitted = System.nanoTime();
        while (api.acceptedCount() - acceptedBefore < total && failed.get() == null) {
            Thread.sleep(1); // a benchmark's wait: the receiver's count is the end of the measured span
        }
        long delivered = System.nanoTime();
        if (failed.get() != null || stored.get() != total) {
            throw new IllegalStateException("stored " + stored.get() + " of " + total, failed.get());
        }
        for (InputFetchContext context : contexts) {
            context.end();
        }
        for (DeliveryLoop loop : loops) {
            loop.stop();
            loop.awaitStopped(Duration.ofSeconds(10));
            loop.outbox().close();
        }
        for (AutoCloseable store : stores) {
            store.close();
        }
        sink.close();
        scheduler.shutdownNow();
        deleteTree(dir);
        long fsyncs = commits.stream().mapToLong(GroupCommit::fsyncs).sum();
        return new Result(total / seconds(start, emitted), total / seconds(start, delivered),
                fsyncs == 0 ? 0 : (double) total / fsyncs);
    }

    /**
     * A listener: each record is one {@code emitDurably}; at most {@code outstanding} wait for their stage at once
     * (the senders waiting for their answer), a new one is emitted as soon as one completes.
     */
    private static void listen(InputFetchContext context, long records, int outstanding, AtomicLong stored,
            AtomicReference<Throwable> failed) {
        Semaphore window = new Semaphore(outstanding);
        try {
            for (long n = 0; n < records && failed.get() == null; n++) {
                window.acquire();
                context.emitDurably(Event.of(DrainBenchmark.body(n), "application/json"))
                        .whenComplete((result, error) -> {
                            if (error != null) {
                                failed.compareAndSet(null, error);
                            } else if (result == EmitResult.STORED) {
                                stored.incrementAndGet(); // here a listener answers its sender
                            }
                            window.release();
                        });
            }
            window.acquire(outstanding); // every stage completed
        } catch (InterruptedException e) {
            failed.compareAndSet(null, e);
        }
    }

    /** The delivery service's {@link EventStore#append} for one input: into its outbox, then wake its delivery. */
    private record LoopStore(DeliveryLoop loop) implements EventStore {
        @Override
        public void append(InputConfig input, List<Event> events, byte[] commit) throws IOException {
            List<EventRecord> records = new ArrayList<>(events.size());
            for (Event event : events) {
                records.add(EventRecord.of(input.name(), "org1", "bench", "UTC", event.mediaType(), event.body()));
            }
            loop.outbox().append(records, commit);
            loop.wake();
        }

        @Override
        public Optional<byte[]> lastCommit(String inputName) {
            return loop.outbox().lastCommit();
        }

        @Override
        public DeliveryStats stats(String inputName) {
            return DeliveryStats.NONE;
        }
    }

    private static double median(List<Result> results, ToDoubleFunction<Result> value) {
        double[] sorted = results.stream().mapToDouble(value).sorted().toArray();
        return sorted[sorted.length / 2];
    }

    private static double best(List<Result> results, ToDoubleFunction<Result> value) {
        return results.stream().mapToDouble(value).max().orElse(0);
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
