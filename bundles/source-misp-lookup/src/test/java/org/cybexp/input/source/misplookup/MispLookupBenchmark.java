package org.cybexp.input.source.misplookup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import org.cybexp.input.testkit.InMemoryInputStore;
import org.cybexp.input.testkit.TestClock;

/**
 * Values looked up per second against a loopback MISP answering after a fixed latency (a remote server's round
 * trip), for several {@code max_concurrent}: one file of VALUES values, half of them hits, through the test kit
 * (real outbox and state on disk, a checkpoint every 20 values). Not a test; run it by hand with the module's
 * test class path: {@code MispLookupBenchmark [values] [latencyMillis]}.
 */
public final class MispLookupBenchmark {

    private static final String KEY = "0123456789abcdefghijABCDEFGHIJ0123456789";

    private MispLookupBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int values = args.length > 0 ? Integer.parseInt(args[0]) : 400;
        long latency = args.length > 1 ? Long.parseLong(args[1]) : 20;
        // without it the JDK's server waits out delayed ACKs (~40 ms a request): the fake's cost, not the input's
        System.setProperty("sun.net.httpserver.nodelay", "true");
        for (int concurrency : new int[] {1, 4, 8}) {
            Path drop = Files.createTempDirectory("misp-lookup-bench");
            try (FakeMisp misp = new FakeMisp(KEY)) {
                StringBuilder file = new StringBuilder();
                for (int i = 0; i < values; i++) {
                    String value = "10." + (i / 65536) + "." + (i / 256 % 256) + "." + (i % 256);
                    file.append(value).append('\n');
                    if (i % 2 == 0) {
                        misp.attribute(value, "ip-dst", "ev-" + i, "event " + i);
                    }
                }
                Files.writeString(drop.resolve("values.txt"), file);
                misp.latency(latency);
                InMemoryInputStore store = InMemoryInputStore.builder(new MispLookupPlugin()).name("bench")
                        .clock(TestClock.at(Instant.now().plusSeconds(1))).properties(Map.of("orgid", "bench",
                                "url", misp.baseUri().toString(), "api_key", KEY, "directory", drop.toString(),
                                "min_age", "0", "max_requests_per_second", "0", "max_concurrent",
                                Integer.toString(concurrency))).build();
                long began = System.nanoTime();
                store.fetch(store.open());
                double seconds = (System.nanoTime() - began) / 1e9;
                System.out.printf("max_concurrent %d, MISP latency %d ms: %d values in %.2f s = %.0f values/s, %d "
                        + "events stored (%s)%n", concurrency, latency, values, seconds, values / seconds,
                        store.events().size(), store.progress());
            }
        }
    }
}
