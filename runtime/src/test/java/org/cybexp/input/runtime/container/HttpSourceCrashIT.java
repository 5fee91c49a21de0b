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
import java.util.concurrent.ConcurrentHashMap;
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
 * The http plugin in the real distribution, killed ({@code kill -9}) in the middle of a paged poll: the API
 * answers pages 1-5, then holds page 6 until the daemon is dead. After the restart the poll resumes at page 6
 * (pages 1-5 are not asked for again) with the same lower bound, and {@code /raw} gets every record. The bearer
 * token reaches the API but neither the status nor the logs.
 */
class HttpSourceCrashIT {

    private static final String TOKEN = "http-crash-it-token-5c1d";
    private static final String API_TOKEN = "bearer-secret-7f3a9c";
    private static final int PAGES = 10;
    private static final int PER_PAGE = 20;
    private static final int HELD_PAGE = 6;
    private static final Pattern PAGE = Pattern.compile("(?:^|&)page=(\\d+)");
    private static final Pattern ID = Pattern.compile("\"id\":(\\d+)");

    private final List<String> queries = new ArrayList<>();
    private final Set<String> authorizations = ConcurrentHashMap.newKeySet();
    private final CountDownLatch held = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private Distribution dist;
    private RawReceiver raw;
    private HttpServer api;

    @BeforeEach
    void distributionWithAPagedApi() throws Exception {
        api = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        api.setExecutor(Executors.newCachedThreadPool());
        api.createContext("/records", this::page);
        api.start();
        raw = new RawReceiver(TOKEN);
        dist = Distribution.copyOfBuilt("cybexp-http-crash-it");
        dist.configure("cybexp.api.cfg", "url = " + raw.url() + "\ntoken = " + TOKEN + "\n");
        dist.configure("cybexp.source.http-paged.cfg", "name = paged\norgid = crash-org\ntypetag = test-records\n"
                + "url = http://127.0.0.1:" + api.getAddress().getPort() + "/records\nheader.Accept = application/json\n"
                + "records = /items\nrecord_id = /id\npagination = page\npage_size_param = limit\npage_size = "
                + PER_PAGE + "\nsince_param = since\nperiod = 3600\nmin_interval = 0\nauth = bearer\ntoken = " + API_TOKEN
                + "\n");
    }

    @AfterEach
    void stopEverything() throws Exception {
        release.countDown();
        try {
            dist.close();
        } finally {
            raw.close();
            api.stop(0);
        }
    }

    private void page(HttpExchange exchange) throws IOException {
        String query = exchange.getRequestURI().getRawQuery();
        authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
        synchronized (queries) {
            queries.add(query);
        }
        Matcher m = PAGE.matcher(query == null ? "" : query);
        int page = m.find() ? Integer.parseInt(m.group(1)) : 1;
        if (page == HELD_PAGE && held.getCount() > 0) {
            held.countDown();
            try {
                release.await(60, TimeUnit.SECONDS); // until the daemon is killed
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
            return;
        }
        List<String> items = new ArrayList<>();
        for (int i = (page - 1) * PER_PAGE; page <= PAGES && i < page * PER_PAGE; i++) {
            items.add("{\"id\":" + i + ",\"value\":\"record " + i + "\"}");
        }
        byte[] body = ("{\"items\":[" + String.join(",", items) + "]}").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    @Test
    void killedWhileAPageIsOnItsWayTheRestartResumesThereAndLosesNothing() throws Exception {
        Result start = dist.cli("start");
        assertEquals(0, start.code(), start.toString());
        long pid = dist.daemonPid().orElseThrow();
        assertTrue(held.await(60, TimeUnit.SECONDS), "the daemon asked for page " + HELD_PAGE);
        Process kill = new ProcessBuilder("kill", "-9", Long.toString(pid)).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill -9 " + pid);
        ProcessHandle.of(pid).ifPresent(p -> p.onExit().orTimeout(30, TimeUnit.SECONDS).join());
        release.countDown();
        int before;
        synchronized (queries) {
            before = queries.size();
        }

        Result restart = dist.cli("start");
        assertEquals(0, restart.code(), restart.toString());
        Set<String> all = new HashSet<>();
        for (int i = 0; i < PAGES * PER_PAGE; i++) {
            all.add(Integer.toString(i));
        }
        Await.within(90).alias("every record at /raw").until(() -> postedIds().containsAll(all));

        List<String> after;
        synchronized (queries) {
            after = List.copyOf(queries.subList(before, queries.size()));
        }
        assertTrue(after.get(0).contains("page=" + HELD_PAGE), "resumed at page " + HELD_PAGE + ": " + after);
        String since = queries.get(0).replaceAll("(?:^|&)page=\\d+", "");
        assertTrue(after.stream().allMatch(q -> q.replaceAll("(?:^|&)page=\\d+", "").equals(since)),
                "the same window after the restart: " + queries);
        assertEquals(PAGES * PER_PAGE, postedIds().size());

        assertEquals(Set.of("Bearer " + API_TOKEN), authorizations);
        Result status = dist.cli("status", "--json");
        assertTrue(status.out().contains("paged"), status.toString());
        assertFalse(status.out().contains(API_TOKEN), "the token is not in status");
        try (Stream<Path> logs = Files.walk(dist.home().resolve("log"))) {
            for (Path log : logs.filter(Files::isRegularFile).toList()) {
                assertFalse(Files.readString(log).contains(API_TOKEN), "the token is not in " + log);
            }
        }
    }

    private Set<String> postedIds() {
        Set<String> ids = new HashSet<>();
        for (RawReceiver.Post post : raw.posts()) {
            Matcher m = ID.matcher(post.fileText());
            while (m.find()) {
                ids.add(m.group(1));
            }
        }
        return ids;
    }
}
