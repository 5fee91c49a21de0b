package org.cybexp.input.delivery;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;

import org.cybexp.input.api.Event;
import org.cybexp.input.api.InputConfig;
import org.cybexp.input.core.control.DeliveryState;
import org.cybexp.input.core.control.DeliveryStats;
import org.cybexp.input.testkit.LoopbackRawApi;
import org.cybexp.input.testkit.LoopbackRawApi.Post;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.cybexp.input.core.control.Backoff;

/**
 * The outboxes on a real disk that fills up: an 8 MiB tmpfs mounted for each test (root, or CAP_SYS_ADMIN;
 * skipped with the reason where mounting is not permitted), the real {@link DeliveryService} and its segment
 * outboxes on it, posting to a {@link LoopbackRawApi}. The errors are the kernel's own {@code ENOSPC}.
 */
class FullDiskTest {

    private static final String TOKEN = "full-disk-token-5d20";
    private static final String A = "input a";
    private static final long MIB = 1024L * 1024;

    @TempDir
    Path tmp;

    private Path disk;
    private boolean mounted;
    private LoopbackRawApi api;
    private DeliveryService service;

    @BeforeEach
    void mountSmallDisk() throws Exception {
        disk = Files.createDirectories(tmp.resolve("disk"));
        String result;
        int rc;
        try {
            Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=8m,mode=0700", "tmpfs",
                    disk.toString()).redirectErrorStream(true).start();
            result = new String(mount.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            rc = mount.waitFor();
        } catch (IOException e) {
            result = e.getMessage();
            rc = -1;
        }
        Assumptions.assumeTrue(rc == 0, "FullDiskTest skipped: cannot mount an 8 MiB tmpfs on " + disk + " ("
                + result + "); it needs Linux and root or CAP_SYS_ADMIN");
        mounted = true;
        api = new LoopbackRawApi(TOKEN);
    }

    @AfterEach
    void unmount() throws Exception {
        if (service != null) {
            service.deactivate();
        }
        if (api != null) {
            api.close();
        }
        if (mounted) {
            Process umount = new ProcessBuilder("umount", disk.toString()).inheritIO().start();
            assertEquals(0, umount.waitFor(), "umount " + disk);
        }
    }

    @Test
    void aDiskFullToTheLastByteStillAcknowledgesAndResumesWithinSecondsOfSpaceReturningLosingNothing()
            throws IOException {
        api.refuse(post -> post.fileText().endsWith("-bad"));
        api.down();
        service = start(new OutboxCaps(1L << 40, 1L << 40, 0)); // no reserve: something else fills the disk
        List<String> appended = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            appended.add(A + ":" + i + (i % 10 == 4 ? "-bad" : ""));
        }
        append(appended);
        Path filler = fill(disk);
        assertTrue(usable() < 4096, "the disk is full: " + usable() + " bytes free");
        assertThrows(IOException.class, () -> append(List.of("not stored: " + "x".repeat(64 * 1024))),
                "a full disk refuses new records (the core fetches them again), never half-stores them");

        api.up();

        // records are taken and acknowledged in place (several in flight); a refused one's dead letter finds no
        // room on the disk, and delivery waits (the posts in flight finish)
        DeliveryStats stuck = await().atMost(Duration.ofSeconds(30)).until(() -> service.stats(A),
                s -> s.lastError() != null && s.lastError().contains("No space left on device")
                        && api.exchanges().size() == s.delivered() + api.refusedPosts().size());
        assertEquals("local storage: No space left on device", stuck.lastError());
        // over two local retries no refused record is posted again (its answer is kept until written down) and
        // nothing is posted without its answer being recorded; delivery may go on where acknowledged segments give
        // space back, so it is not asked to stand still
        await().pollDelay(DeliveryTiming.LOCAL_RETRY.multipliedBy(2).plusMillis(500)).atMost(Duration.ofSeconds(20))
                .until(() -> {
                    DeliveryStats now = service.stats(A);
                    return api.exchanges().size() == now.delivered() + api.refusedPosts().size();
                });
        DeliveryStats waiting = service.stats(A);
        long delivered = waiting.delivered();
        assertTrue(api.refusedPosts().size() >= 1 && delivered >= 4, waiting.toString());
        List<String> refusedTexts = api.refusedPosts().stream().map(Post::fileText).toList();
        assertEquals(refusedTexts.size(), Set.copyOf(refusedTexts).size(), "none posted twice");
        assertEquals(0, waiting.consecutiveFailures(), "a full disk is no failure of the API: no backoff grows");
        assertTrue(waiting.state() == DeliveryState.RETRYING || waiting.state() == DeliveryState.DELIVERING,
                waiting.toString());
        assertTrue(waiting.retryAt() == null
                || !waiting.retryAt().isAfter(Instant.now().plus(DeliveryTiming.LOCAL_RETRY)), waiting.toString());
        assertEquals(30 - delivered, waiting.outboxDepth(), "nothing left the outbox without being written down");

        Files.delete(filler);
        long freed = System.nanoTime();
        // delivery goes on by itself at the next local retry; how soon is printed, not asserted (a loaded machine
        // stretches it, and timing belongs in benchmarks): the deadline only says it does go on
        await().atMost(Duration.ofSeconds(60)).until(() -> service.stats(A).outboxDepth() == 0);
        double seconds = (System.nanoTime() - freed) / 1e9;
        System.out.printf("FullDiskTest: delivery went on %.1f s after space returned (local retry every %s)%n",
                seconds, DurationText.of(DeliveryTiming.LOCAL_RETRY));

        List<String> bad = appended.stream().filter(t -> t.endsWith("-bad")).toList();
        List<String> good = appended.stream().filter(t -> !t.endsWith("-bad")).toList();
        assertEquals(sorted(good), sorted(accepted()), "every record exactly once (in any order: a window)");
        assertEquals(sorted(bad), sorted(api.refusedPosts().stream().map(Post::fileText).toList()),
                "each refused record posted once");
        assertEquals(3, service.stats(A).deadLetters(), "each refused record kept with the API's answer");

        List<String> later = List.of(A + ":after-1", A + ":after-2");
        append(later); // the outbox goes on after the append the full disk refused
        await().until(() -> accepted().size() == good.size() + 2);
        assertEquals(sorted(later), sorted(accepted().subList(good.size(), good.size() + 2)));
    }

    @Test
    void theReserveStopsFetchingBeforeTheOutboxFillsTheDiskAndFetchingGoesOnOnceDelivered() throws IOException {
        api.down();
        service = start(new OutboxCaps(1L << 40, 1L << 40, 2 * MIB));
        List<String> appended = new ArrayList<>();
        String padding = "x".repeat(10_000);

        // the core asks accepting() before each fetch and holds while it is false (state BACK_PRESSURE)
        while (service.accepting(A)) {
            List<String> batch = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                batch.add(A + ":" + appended.size() + ":" + padding);
                appended.add(batch.get(i));
            }
            append(batch);
        }
        long free = usable();
        assertTrue(free >= MIB, "the 2 MiB reserve holds, less one batch at most: " + free + " bytes free");
        assertTrue(appended.size() > 300, "the outbox had the rest of the disk: " + appended.size() + " records");
        // the last error is the disk's report, unless a post failed after it (the API is down): it takes its place
        String lastError = service.stats(A).lastError();
        assertTrue(lastError.startsWith("disk nearly full") || lastError.contains("Connection refused"), lastError);

        api.up();

        await().atMost(Duration.ofSeconds(60)).until(() -> service.stats(A).delivered() == appended.size());
        // the delivered segment still takes the disk, and is counted as free: the next append gives it back
        await().until(() -> service.accepting(A));
        append(List.of(A + ":after"));
        assertTrue(usable() > 6 * MIB, "the delivered segment is gone: " + usable() + " bytes free");
        await().until(() -> service.stats(A).delivered() == appended.size() + 1);
        List<String> expected = new ArrayList<>(appended);
        expected.add(A + ":after");
        assertEquals(sorted(expected), sorted(accepted()), "each exactly once");
    }

    private static List<String> sorted(List<String> texts) {
        return texts.stream().sorted().toList();
    }

    // ---- helpers

    private DeliveryService start(OutboxCaps caps) {
        // API backoff in milliseconds; the local retry of production, so the measured resumption is the real one
        DeliveryTiming timing = new DeliveryTiming(Clock.systemUTC(), Executors.newSingleThreadScheduledExecutor(),
                new Backoff(Duration.ofMillis(1), () -> 1.0), Duration.ofMinutes(5), DeliveryTiming.LOCAL_RETRY);
        DeliveryService started = new DeliveryService(disk, new SinkSettings(api.url(), TOKEN, Duration.ofSeconds(5),
                4, true, ""), timing, new SecretResolver(name -> null));
        started.caps(caps);
        return started;
    }

    private void append(List<String> texts) throws IOException {
        service.append(new InputConfig("test", A, "org1", "test-typetag", ZoneOffset.UTC, Duration.ofHours(1), true,
                Map.of()), texts.stream().map(t -> Event.ofText(t, "text/plain")).toList(), null);
    }

    private List<String> accepted() {
        return api.posts().stream().map(Post::fileText).toList();
    }

    private long usable() throws IOException {
        return Files.getFileStore(disk).getUsableSpace();
    }

    /** Writes a file until the disk has no byte left, in smaller and smaller pieces. */
    private static Path fill(Path dir) throws IOException {
        Path filler = dir.resolve("filler");
        try (FileChannel out = FileChannel.open(filler, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (int piece = 1 << 20; piece >= 1; piece /= 4) {
                ByteBuffer bytes = ByteBuffer.allocate(piece);
                try {
                    while (true) {
                        out.write(bytes.clear());
                    }
                } catch (IOException full) {
                    // this piece no longer fits: go on with a smaller one
                }
            }
        }
        return filler;
    }
}
