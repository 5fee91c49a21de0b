package org.cybexp.input.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.cybexp.input.testkit.Distribution;
import org.cybexp.input.testkit.Distribution.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A 1 GiB upload bound for the outbox, in the real distribution at {@code -Xmx128m}: the 202 once it is on
 * disk, a {@code kill -9} right after it with the API down, and after the restart the file posted to /raw as a
 * streamed multipart part whose length and SHA-256 match what was sent. The GC log gives the peak heap.
 */
class UploadOutboxIT {

    private static final String TOKEN = "upload-outbox-it-token-7c1e";
    private static final Pattern KEY = Pattern.compile("(?m)^(cxu_[A-Za-z0-9_-]{43})$");
    private static final Pattern HEAP = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");
    private static final long GIB = 1L << 30;

    private Distribution dist;
    private StreamingRawReceiver raw;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void distributionWithAnUploadInput() throws Exception {
        raw = new StreamingRawReceiver(TOKEN);
        dist = Distribution.copyOfBuilt("cybexp-upload-outbox-it");
        dist.configure("cybexp.api.cfg", "url = " + raw.url() + "\ntoken = " + TOKEN + "\n");
        dist.configure("cybexp.source.upload-desk.cfg", "orgid = desk-org\ntypetag = misp-api\n"
                + "allowed_orgids = *\nallowed_typetags = *\nmax_bytes = " + (GIB + 1024) + "\n");
    }

    @AfterEach
    void stopEverything() throws Exception {
        try {
            dist.close();
        } finally {
            raw.close();
        }
    }

    @Test
    void aGibibyteToTheOutboxIsStoredSurvivesAKillAndIsPostedAsAStreamWithASmallHeap() throws Exception {
        Result added = dist.cli("upload-key", "add", "bulk", "--orgid", "org-a");
        Matcher m = KEY.matcher(added.out());
        assertTrue(m.find(), added.out());
        String key = m.group(1);
        Path gcLog = dist.home().resolve("log/gc-upload.log");
        start(gcLog);
        int port = dist.httpPort();
        Await.until(60, "the endpoint is served", () -> {
            HttpResponse<String> page = get(port, "/upload/");
            return page != null && page.statusCode() == 200;
        });

        raw.down(true);
        String head = "--b\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nbig.bin\r\n--b\r\n"
                + "Content-Disposition: form-data; name=\"orgid\"\r\n\r\norg-a\r\n--b\r\n"
                + "Content-Disposition: form-data; name=\"typetag\"\r\n\r\nmisp-api\r\n--b\r\n"
                + "Content-Disposition: form-data; name=\"file\"; filename=\"big.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n";
        String tail = "\r\n--b--\r\n";
        long began = System.nanoTime();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/upload/raw"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "multipart/form-data; boundary=b")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new SequenceInputStream(Collections.enumeration(
                        List.of(new ByteArrayInputStream(head.getBytes(StandardCharsets.US_ASCII)),
                                new GeneratedBytes(GIB),
                                new ByteArrayInputStream(tail.getBytes(StandardCharsets.US_ASCII)))))))
                .build();
        HttpResponse<String> big = http.send(request, HttpResponse.BodyHandlers.ofString());
        double stored = (System.nanoTime() - began) / 1e9;
        assertEquals(202, big.statusCode(), big.body());

        // durable at the 202: kill -9 at once, the API down; the blob waits in the outbox
        long pid = dist.daemonPid().orElseThrow();
        assertEquals(0, new ProcessBuilder("kill", "-9", Long.toString(pid)).inheritIO().start().waitFor());
        ProcessHandle.of(pid).ifPresent(p -> p.onExit().join());
        List<Path> blobs = blobs();
        assertEquals(1, blobs.size(), blobs.toString());
        assertEquals(GIB, Files.size(blobs.get(0)), "the whole file is in the outbox's blob");
        try (Stream<Path> spool = Files.walk(dist.home().resolve("data/upload"))) {
            assertEquals(List.of(), spool.filter(p -> p.toString().endsWith(".part")).toList(), "no spool left");
        }
        long heapBeforeKill = peakHeapMib(gcLog);

        raw.down(false);
        Path gcLogAfter = dist.home().resolve("log/gc-upload-2.log");
        long restarted = System.nanoTime();
        start(gcLogAfter);
        Await.until(60, "the file accepted before the kill reaches /raw", () -> !raw.received().isEmpty());
        double delivered = (System.nanoTime() - restarted) / 1e9;
        StreamingRawReceiver.Received file = raw.received().get(0);
        assertEquals(GIB, file.length(), "the bytes posted");
        assertEquals(expectedSha256(), file.sha256(), "the SHA-256 of the file part");
        assertTrue(file.contentLength() > GIB, "posted with a Content-Length, not buffered: " + file.contentLength());
        assertTrue(file.fields().contains("org-a") && file.fields().contains("big.bin"), file.fields());
        Await.until(30, "the delivered blob is deleted", () -> blobs().isEmpty());
        assertTrue(dist.daemonPid().flatMap(ProcessHandle::of).map(ProcessHandle::isAlive).orElse(false),
                "the daemon lives");
        long heapAfter = peakHeapMib(gcLogAfter);
        assertEquals(1, raw.received().size(), "posted once");

        // the limit to compare with: the same 1 GiB posted by this JVM straight to the same receiver
        long direct = System.nanoTime();
        HttpResponse<String> straight = http.send(HttpRequest.newBuilder(URI.create(raw.url()))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "multipart/form-data; boundary=b")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new SequenceInputStream(Collections.enumeration(
                        List.of(new ByteArrayInputStream(head.getBytes(StandardCharsets.US_ASCII)),
                                new GeneratedBytes(GIB),
                                new ByteArrayInputStream(tail.getBytes(StandardCharsets.US_ASCII)))))))
                .build(), HttpResponse.BodyHandlers.ofString());
        double directSeconds = (System.nanoTime() - direct) / 1e9;
        assertEquals(201, straight.statusCode(), straight.body());
        assertEquals(expectedSha256(), raw.received().get(1).sha256());
        System.out.printf("UploadOutboxIT: 1 GiB stored in the outbox in %.1f s (peak heap %d MiB), delivered "
                + "after a kill -9 in %.1f s incl. restart (peak heap %d MiB), -Xmx128m; the same 1 GiB posted "
                + "straight to the receiver: %.1f s%n", stored, heapBeforeKill, delivered, heapAfter, directSeconds);
    }

    private void start(Path gcLog) throws IOException, InterruptedException {
        ProcessBuilder start = new ProcessBuilder(dist.home().resolve("bin/cybexp-input").toString(), "start")
                .redirectErrorStream(true);
        start.environment().put("JAVA_HOME", System.getProperty("java.home"));
        start.environment().put("JAVA_OPTS", "-Xmx128m -Xlog:gc:file=" + gcLog);
        Process started = start.start();
        String out = new String(started.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, started.waitFor(), out);
    }

    private List<Path> blobs() throws IOException {
        try (Stream<Path> files = Files.walk(dist.home().resolve("data/outbox"))) {
            return files.filter(p -> p.getFileName().toString().endsWith(".blob")).toList();
        }
    }

    /** The highest heap in use before a collection, from the GC log; -1 if it has none. */
    private static long peakHeapMib(Path gcLog) throws IOException {
        if (!Files.exists(gcLog)) {
            return -1;
        }
        Matcher m = HEAP.matcher(Files.readString(gcLog, StandardCharsets.ISO_8859_1));
        long peak = -1;
        while (m.find()) {
            peak = Math.max(peak, Long.parseLong(m.group(1)));
        }
        return peak;
    }

    private static String expectedSha256() throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        byte[] chunk = new byte[64 * 1024];
        try (InputStream in = new GeneratedBytes(GIB)) {
            for (int n; (n = in.read(chunk)) >= 0;) {
                digest.update(chunk, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private HttpResponse<String> get(int port, String path) throws InterruptedException {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null; // not served yet
        }
    }

    /** {@code length} bytes of a pattern that changes per block, made as they are read: no CR, so never a delimiter. */
    static final class GeneratedBytes extends InputStream {
        private long left;
        private long block;

        GeneratedBytes(long length) {
            this.left = length;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0];
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left <= 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            for (int i = 0; i < n; i++) {
                b[off + i] = (byte) ('A' + (int) ((block + i) % 26));
            }
            block += n;
            left -= n;
            return n;
        }
    }
}
