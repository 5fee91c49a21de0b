package org.cybexp.input.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.cybexp.input.testkit.Distribution;
import org.cybexp.input.testkit.Distribution.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Nothing is lost when the daemon is killed ({@code kill -9}) at random points while it fetches and delivers,
 * again and again. A real distribution polls, without pause, an OpenPhish feed that grows with every request,
 * and posts to a loopback {@code /raw}; the daemon is killed after a random number of posts or at a random time,
 * restarted with {@code cybexp-input start}, killed again, ten times. Then the feed stops growing, the daemon drains its outbox,
 * and the URLs the API holds must be exactly the URLs the feed served. Duplicates are counted and printed: a
 * kill after the API got a post and before the outbox acknowledged it re-posts that record after the restart
 * (at-least-once: the API has no idempotency key). With a window of {@value #MAX_IN_FLIGHT} posts in flight,
 * acknowledged in any order and kept durably, only the posts in flight at the kill come again: at most
 * {@value #MAX_IN_FLIGHT} per kill.
 */
class DeliveryCrashIT {

    private static final String TOKEN = "crash-it-token-e41b";
    private static final int KILLS = 10;
    /** The default window of posts in flight per input. */
    private static final int MAX_IN_FLIGHT = 8;
    private static final int URLS_PER_POLL = 200;
    /** Ten polls deep: a poll a kill lost is served again by the first poll after the restart. */
    private static final int FEED_WINDOW = 2_000;

    /**
     * How long the API takes per post during the kills: longer than a poll, so posts wait in the outbox and a
     * kill usually lands while a post is in flight (which the API then stores: the one duplicate a kill may
     * cause). {@code -Dcybexp.it.crashApiLatency=0} kills a daemon that keeps up.
     */
    private static final long API_LATENCY_MILLIS = Long.getLong("cybexp.it.crashApiLatency", 60);

    private final LogTally tally = new LogTally();
    private Distribution dist;
    private GrowingFeed feed;
    private RawReceiver raw;

    @BeforeEach
    void distributionPollingAGrowingFeed() throws Exception {
        dist = Distribution.copyOfBuilt("cybexp-crash-it");
        feed = new GrowingFeed(URLS_PER_POLL, FEED_WINDOW);
        raw = new RawReceiver(TOKEN);
        Path etc = dist.home().resolve("etc");
        Files.writeString(etc.resolve("cybexp.api.cfg"), "url = " + raw.url() + "\ntoken = " + TOKEN
                + "\ntimeout = 10\n");
        // period 0 and no rate limit: the input polls again as soon as a poll ended
        Files.writeString(etc.resolve("cybexp.source.openphish-main.cfg"), "name = main\norgid = crash-org\n"
                + "typetag = openphish-file-feed\ntimezone = UTC\nurl = " + feed.url()
                + "\nperiod = 0\nmin_interval = 0\n");
    }

    @AfterEach
    void stopEverything() throws Exception {
        try {
            dist.close();
        } finally {
            feed.close();
            raw.close();
        }
    }

    @Test
    void killedAtRandomPointsWhileDeliveringTheApiStillGetsEveryUrl() throws Exception {
        long seed = Long.getLong("cybexp.it.crashSeed", System.nanoTime());
        // printed before any wait, so a run that times out can be replayed with -Dcybexp.it.crashSeed
        System.out.println("DeliveryCrashIT: seed " + seed + " (replay with -Dcybexp.it.crashSeed=" + seed + ")");
        Random random = new Random(seed);
        long began = System.nanoTime();

        // the API takes longer per post than the input per poll: a backlog waits in the outbox at every kill
        raw.latency(Duration.ofMillis(API_LATENCY_MILLIS));
        for (int kill = 1; kill <= KILLS; kill++) {
            long pid = start();
            long before = raw.acceptedCount();
            if (kill % 2 == 0) {
                // right after a random post: the next one is usually on its way
                int posts = 1 + random.nextInt(25);
                Await.within(60).pollInterval(Duration.ofMillis(20 + random.nextInt(80)))
                        .alias("kill " + kill + ": " + posts + " posts after the start")
                        .until(() -> raw.acceptedCount() >= before + posts);
            } else {
                // at a random time once it delivers: in a fetch, an append, a commit or a post
                Duration delay = Duration.ofMillis(200 + random.nextInt(1800));
                Await.within(60).pollDelay(delay).alias("kill " + kill + ": " + delay + " after the start")
                        .until(() -> raw.acceptedCount() > before);
            }
            killNine(pid);
            tally.read(dist.home().resolve("log/cybexp-input.log"));
        }
        raw.latency(Duration.ZERO);
        start();
        long beforeLast = raw.acceptedCount();
        Await.until(60, "delivering again after the last kill", () -> raw.acceptedCount() > beforeLast);
        feed.stopGrowing();
        Set<String> served = feed.served();
        Await.within(60).pollInterval(Duration.ofMillis(500)).alias("every served URL delivered")
                .until(() -> new HashSet<>(raw.lines()).containsAll(served));
        Result stop = dist.cli("stop");
        assertEquals(0, stop.code(), stop.toString());

        List<String> received = raw.lines();
        Set<String> distinct = new HashSet<>(received);
        long duplicateUrls = received.size() - distinct.size();
        long duplicatePosts = raw.posts().size() - raw.posts().stream().map(RawReceiver.Post::fileText).distinct()
                .count();
        tally.read(dist.home().resolve("log/cybexp-input.log"));
        System.out.printf("DeliveryCrashIT (seed %d): %d kills in %d s; %d URLs served by %d feed requests, "
                + "%d posts; duplicates (window of %d posts in flight): %d URLs in %d posts = %.3f%% of URLs, %.2f%% "
                + "of posts, at most %d per kill allowed; %s%n", seed,
                KILLS, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - began), served.size(), feed.requests(),
                raw.posts().size(), MAX_IN_FLIGHT, duplicateUrls, duplicatePosts, 100.0 * duplicateUrls / received.size(),
                100.0 * duplicatePosts / raw.posts().size(), MAX_IN_FLIGHT, tally);

        assertEquals(served, distinct, "the API holds exactly the URLs the feed served (seed " + seed + ")");
        // a kill can only catch the posts in flight between the API's answer and their acknowledgement
        assertTrue(duplicatePosts <= (long) KILLS * MAX_IN_FLIGHT,
                duplicatePosts + " duplicate posts after " + KILLS + " kills, window " + MAX_IN_FLIGHT);
        List<String> onceEach = raw.posts().stream().map(RawReceiver.Post::fileText).distinct()
                .flatMap(String::lines).toList();
        assertEquals(onceEach.size(), new HashSet<>(onceEach).size(),
                "no URL was fetched and posted twice: duplicates are whole posts sent again");
    }

    /** What the daemon's logs tell about its restarts; each start rotates the log, so each run is read. */
    private static final class LogTally {
        private static final Pattern LEFT = Pattern.compile("input main: (\\d+) events left in the outbox");
        private int runs;
        private long largestBacklog;
        private int restartsWithBacklog;
        private int tornTails;
        private int rolledForward;

        void read(Path log) throws IOException {
            runs++;
            for (String line : Files.readAllLines(log)) {
                Matcher left = LEFT.matcher(line);
                if (left.find()) {
                    largestBacklog = Math.max(largestBacklog, Long.parseLong(left.group(1)));
                    restartsWithBacklog++;
                }
                tornTails += line.contains("torn or damaged tail") ? 1 : 0;
                rolledForward += line.contains("applied the dedup keys and state") ? 1 : 0;
            }
        }

        @Override
        public String toString() {
            return restartsWithBacklog + " of " + (runs - 1) + " restarts found posts waiting in the outbox (up to "
                    + largestBacklog + "); torn outbox tails cut: " + tornTails
                    + "; batch commits rolled forward: " + rolledForward;
        }
    }

    /** {@code cybexp-input start}; @return the daemon's pid */
    private long start() throws IOException, InterruptedException {
        Result start = dist.cli("start");
        assertEquals(0, start.code(), start.toString());
        long pid = dist.daemonPid().orElseThrow();
        assertTrue(dist.runsFromThisHome(pid), "the daemon of this home");
        return pid;
    }

    /** SIGKILL: no shutdown hook, no flush, no graceful stop. */
    private static void killNine(long pid) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-9", Long.toString(pid)).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill -9 " + pid);
        ProcessHandle.of(pid).ifPresent(p -> p.onExit().orTimeout(30, TimeUnit.SECONDS).join());
    }
}
