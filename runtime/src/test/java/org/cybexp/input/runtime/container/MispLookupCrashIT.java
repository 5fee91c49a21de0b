package org.cybexp.input.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.cybexp.input.testkit.Distribution;
import org.cybexp.input.testkit.Distribution.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The misp_lookup plugin in the real distribution, killed ({@code kill -9}) in the middle of a dropped file: a
 * loopback MISP answers {@code /attributes/restSearch} for values 1-5 in MISP's shapes ({@code {"response":
 * {"Attribute": [...]}}}), then holds value 6 until the daemon is dead. After the restart the file resumes at
 * value 6 (values 1-5 are not asked again), {@code /raw} gets one event per value with the value in it, and the
 * file moves to {@code processed/}. The MISP key reaches MISP but neither the status nor the logs.
 */
class MispLookupCrashIT {

    private static final String TOKEN = "misp-lookup-crash-it-token";
    private static final String KEY = "misp-lookup-it-key-0123456789abcdefABCDEF";
    private static final int VALUES = 10;
    private static final int HELD = 6;
    private static final Pattern VALUE = Pattern.compile("\"value\":\"198\\.51\\.100\\.(\\d+)\"");
    private static final Pattern LOOKED_UP = Pattern.compile("\"lookup\":\\{\"value\":\"198\\.51\\.100\\.(\\d+)\"");

    private final List<String> asked = new ArrayList<>();
    private final Set<String> keys = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final CountDownLatch held = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private Distribution dist;
    private RawReceiver raw;
    private HttpServer misp;

    @BeforeEach
    void distributionWithAMispAndAFile() throws Exception {
        misp = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        misp.setExecutor(Executors.newCachedThreadPool());
        misp.createContext("/attributes/restSearch", this::search);
        misp.start();
        raw = new RawReceiver(TOKEN);
        dist = Distribution.copyOfBuilt("cybexp-misp-lookup-crash-it");
        dist.configure("cybexp.api.cfg", "url = " + raw.url() + "\ntoken = " + TOKEN + "\n");
        dist.configure("cybexp.source.misp_lookup-lookup.cfg", "name = lookup\norgid = crash-org\nurl = http://127.0.0.1:"
                + misp.getAddress().getPort() + "\napi_key = " + KEY + "\ndirectory = data/misp-lookup\nmin_age = 0\n"
                + "max_concurrent = 1\ncheckpoint_every = 1\nmax_requests_per_second = 0\nperiod = 3600\n"
                + "min_interval = 0\n");
        Path drop = Files.createDirectories(dist.home().resolve("data/misp-lookup"));
        StringBuilder values = new StringBuilder();
        for (int i = 1; i <= VALUES; i++) {
            values.append("198.51.100.").append(i).append('\n');
        }
        Files.writeString(drop.resolve("iocs.txt"), values, StandardCharsets.UTF_8);
    }

    @AfterEach
    void stopEverything() throws Exception {
        release.countDown();
        try {
            dist.close();
        } finally {
            raw.close();
            misp.stop(0);
        }
    }

    private void search(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        keys.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
        Matcher m = VALUE.matcher(body);
        String value = m.find() ? m.group(1) : "?";
        int page = body.contains("\"page\":1") ? 1 : 2;
        synchronized (asked) {
            asked.add(value + "/" + page);
        }
        if (value.equals(Integer.toString(HELD)) && held.getCount() > 0) {
            held.countDown();
            try {
                release.await(60, TimeUnit.SECONDS); // until the daemon is killed
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
            return;
        }
        String answer = page > 1 ? "{\"response\": []}" : """
                {"response": {"Attribute": [{"id": "%1$s", "event_id": "%1$s", "object_id": "0",
                  "category": "Network activity", "type": "ip-dst", "to_ids": true,
                  "uuid": "5f2b0c1e-0000-4000-8000-0000000000%1$02d", "timestamp": "1712000000",
                  "distribution": "5", "comment": "", "deleted": false, "value": "198.51.100.%1$s",
                  "Event": {"org_id": "1", "distribution": "3", "id": "%1$s", "info": "event %1$s",
                            "orgc_id": "2", "uuid": "6a1b2c3d-0000-4000-8000-0000000000%1$02d"}}]}}
                """.formatted(Integer.parseInt(value));
        byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Test
    void killedInTheMiddleOfAFileTheRestartResumesAtTheNextValueAndLosesNothing() throws Exception {
        Result start = dist.cli("start");
        assertEquals(0, start.code(), start.toString());
        long pid = dist.daemonPid().orElseThrow();
        assertTrue(held.await(60, TimeUnit.SECONDS), "the daemon asked about value " + HELD);
        Process kill = new ProcessBuilder("kill", "-9", Long.toString(pid)).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill -9 " + pid);
        ProcessHandle.of(pid).ifPresent(p -> p.onExit().orTimeout(30, TimeUnit.SECONDS).join());
        release.countDown();
        int before;
        synchronized (asked) {
            before = asked.size();
        }

        Result restart = dist.cli("start");
        assertEquals(0, restart.code(), restart.toString());
        Set<String> all = new HashSet<>();
        for (int i = 1; i <= VALUES; i++) {
            all.add(Integer.toString(i));
        }
        Await.within(90).alias("an event of every value at /raw").until(() -> postedValues().containsAll(all));
        Path processed = dist.home().resolve("data/misp-lookup/processed/iocs.txt");
        Await.within(30).alias("the file in processed/").until(() -> Files.exists(processed));

        List<String> after;
        synchronized (asked) {
            after = List.copyOf(asked.subList(before, asked.size()));
        }
        assertEquals(HELD + "/1", after.get(0), "resumed at value " + HELD + ": " + after);
        for (int i = 1; i < HELD; i++) {
            assertFalse(after.contains(i + "/1"), "value " + i + " asked again after the restart: " + after);
        }
        assertEquals(Set.of(KEY), keys);
        Result status = dist.cli("status", "--json");
        assertTrue(status.out().contains("lookup"), status.toString());
        assertFalse(status.out().contains(KEY), "the key is not in status");
        try (Stream<Path> logs = Files.walk(dist.home().resolve("log"))) {
            for (Path log : logs.filter(Files::isRegularFile).toList()) {
                assertFalse(Files.readString(log).contains(KEY), "the key is not in " + log);
            }
        }
    }

    /** The looked-up values of the events at /raw (one event per value here; a repost after the kill is fine). */
    private Set<String> postedValues() {
        Set<String> values = new HashSet<>();
        for (RawReceiver.Post post : raw.posts()) {
            Matcher m = LOOKED_UP.matcher(post.fileText());
            if (m.find() && "misp-api".equals(post.fields().get("typetag"))) {
                values.add(m.group(1));
            }
        }
        return values;
    }
}
