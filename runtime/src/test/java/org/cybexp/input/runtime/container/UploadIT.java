package org.cybexp.input.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.cybexp.input.testkit.Distribution;
import org.cybexp.input.testkit.Distribution.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The upload endpoint in the real distribution, on its web server at a free port: a key made with
 * {@code cybexp-input upload-key add}, the refusals in /raw's words (401, 400 typtag, 403, 413 before the
 * body), a 202 whose receipt turns delivered, the same upload again getting the first receipt, a handoff
 * typetag written into its folder, {@code cybexp-input upload}, and a {@code kill -9} right after a 202: the
 * file reaches /raw after the restart. The key appears in no log.
 */
class UploadIT {

    private static final String TOKEN = "upload-it-api-token-41d2";
    private static final Pattern KEY = Pattern.compile("(?m)^(cxu_[A-Za-z0-9_-]{43})$");
    private static final long GIB = 1L << 30;
    private static final Pattern RECEIPT = Pattern.compile("\"receipt\":\"([0-9a-f]{32})\"");

    private Distribution dist;
    private RawReceiver raw;
    private int port;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void distributionWithAnUploadInput() throws Exception {
        raw = new RawReceiver(TOKEN);
        dist = Distribution.copyOfBuilt("cybexp-upload-it");
        port = dist.httpPort();
        dist.configure("cybexp.api.cfg", "url = " + raw.url() + "\ntoken = " + TOKEN + "\n");
        dist.configure("cybexp.source.upload-desk.cfg", "orgid = desk-org\ntypetag = misp-api\n"
                + "allowed_orgids = *\nallowed_typetags = *\nmax_bytes = 1000000\n"
                + "handoff_folders = misp-lookup:data/misp-lookup\n");
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
    void uploadsAreCheckedReceiptedDeliveredAndSurviveAKill() throws Exception {
        Result added = dist.cli("upload-key", "add", "analyst", "--orgid", "org-a", "--orgid", "org-b");
        assertEquals(0, added.code(), added.toString());
        Matcher m = KEY.matcher(added.out());
        assertTrue(m.find(), added.out());
        String key = m.group(1);
        String keys = Files.readString(dist.home().resolve("etc/upload.keys"));
        assertFalse(keys.contains(key), "the keys file holds only the key's hash");
        assertTrue(keys.contains("analyst ") && keys.contains(" org-a,org-b"), keys);

        Result start = dist.cli("start");
        assertEquals(0, start.code(), start.toString());
        Await.until(60, "the page is served", () -> {
            HttpResponse<String> page = get("/upload/", null);
            return page != null && page.statusCode() == 200;
        });
        assertTrue(get("/upload/", null).body().contains("<form"), "the page");

        // refusals, in the words of /raw
        HttpResponse<String> noKey = post(form("a.csv", "org-a", "typetag", "x"), "Bearer wrong-key", null);
        assertEquals(401, noKey.statusCode());
        assertTrue(noKey.body().contains("Invalid/missing token in auth header!"), noKey.body());
        HttpResponse<String> typo = post(form("a.csv", "org-a", "typtag", "x"), "Bearer " + key, null);
        assertEquals(400, typo.statusCode());
        assertTrue(typo.body().contains("Invalid input: typtag"), typo.body());
        HttpResponse<String> otherOrg = post(form("a.csv", "org-z", "typetag", "x"), "Bearer " + key, null);
        assertEquals(403, otherOrg.statusCode(), otherOrg.body());
        assertTrue(headersOnlyStatus(key, 5_000_000).startsWith("HTTP/1.1 413"), "413 before the body is read");
        assertEquals(List.of(), raw.posts(), "nothing refused reached /raw");

        // a 202 whose receipt turns delivered, with the API's answer
        String csv = "indicator,type\nevil.example,domain\n";
        HttpResponse<String> ok = post(formWith("iocs.csv", "org-a", "misp-api", csv), "Bearer " + key, "idem-1");
        assertEquals(202, ok.statusCode(), ok.body());
        String receipt = receiptOf(ok.body());
        Await.until(60, "the receipt says delivered", () -> get("/upload/receipts/" + receipt, key).body()
                .contains("\"state\":\"delivered\""));
        assertTrue(get("/upload/receipts/" + receipt, key).body().contains("File uploaded successfully!"));
        assertEquals(1, raw.posts().size());
        assertEquals(csv, raw.posts().get(0).fileText());
        assertEquals("org-a", raw.posts().get(0).fields().get("orgid"));
        assertEquals(401, get("/upload/receipts/" + receipt, null).statusCode(), "a receipt needs the key");

        // the same again, by Idempotency-Key and by content: the first receipt, nothing posted twice
        assertEquals(receipt, receiptOf(post(formWith("iocs.csv", "org-a", "misp-api", csv), "Bearer " + key,
                "idem-1").body()));
        assertEquals(receipt, receiptOf(post(formWith("iocs.csv", "org-a", "misp-api", csv), "Bearer " + key,
                null).body()));

        // identical uploads sent at once (a client's retry racing its original): one receipt, one post
        String raced = "indicator,type\nrace.example,domain\n";
        List<CompletableFuture<HttpResponse<String>>> racing = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            racing.add(http.sendAsync(postRequest(formWith("race.csv", "org-a", "misp-api", raced),
                    "Bearer " + key, null), HttpResponse.BodyHandlers.ofString()));
        }
        Set<String> racedReceipts = new HashSet<>();
        for (CompletableFuture<HttpResponse<String>> answer : racing) {
            assertEquals(202, answer.get().statusCode(), answer.get().body());
            racedReceipts.add(receiptOf(answer.get().body()));
        }
        assertEquals(1, racedReceipts.size(), "one receipt for the same upload: " + racedReceipts);
        String racedReceipt = racedReceipts.iterator().next();
        Await.until(60, "the raced upload is delivered", () -> get("/upload/receipts/" + racedReceipt, key).body()
                .contains("\"state\":\"delivered\""));
        assertEquals(1, raw.posts().stream().filter(p -> p.fileText().equals(raced)).count(), "posted once");

        // a handoff typetag goes into its folder, not to /raw
        HttpResponse<String> handoff = post(formWith("event.json", "org-b", "misp-lookup", "{\"Event\":{}}"),
                "Bearer " + key, null);
        assertEquals(202, handoff.statusCode(), handoff.body());
        assertTrue(handoff.body().contains("handed_off"), handoff.body());
        try (Stream<Path> files = Files.list(dist.home().resolve("data/misp-lookup"))) {
            List<Path> placed = files.toList();
            assertEquals(1, placed.size(), placed.toString());
            assertEquals("{\"Event\":{}}", Files.readString(placed.get(0)));
        }

        // the CLI: the same endpoint, the receipt printed
        Path file = dist.elsewhere().resolve("cli.txt");
        Files.writeString(file, "cli upload\n");
        ProcessBuilder upload = new ProcessBuilder(dist.home().resolve("bin/cybexp-input").toString(), "upload",
                file.toString(), "--orgid", "org-b", "--typetag", "misp-api").redirectErrorStream(true);
        upload.environment().put("CYBEXP_UPLOAD_KEY", key);
        upload.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process cli = upload.start();
        String cliOut = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, cli.waitFor(), cliOut);
        String cliReceipt = receiptOf(cliOut);
        Await.until(60, "the CLI's file at /raw", () -> raw.posts().stream().anyMatch(p -> p.fileText().equals(
                "cli upload\n")));
        Await.until(60, "the CLI's receipt says delivered", () -> get("/upload/receipts/" + cliReceipt, key).body()
                .contains("\"state\":\"delivered\""));

        // kill -9 right after a 202, the API down: delivered after the restart
        raw.down();
        HttpResponse<String> beforeKill = post(formWith("late.csv", "org-a", "misp-api", "late,1\n"), "Bearer " + key,
                null);
        assertEquals(202, beforeKill.statusCode(), beforeKill.body());
        String lateReceipt = receiptOf(beforeKill.body());
        long pid = dist.daemonPid().orElseThrow();
        assertEquals(0, new ProcessBuilder("kill", "-9", Long.toString(pid)).inheritIO().start().waitFor());
        ProcessHandle.of(pid).ifPresent(p -> p.onExit().join());
        raw.up();
        assertEquals(0, dist.cli("start").code());
        Await.until(90, "the file accepted before the kill reaches /raw", () -> raw.posts().stream()
                .anyMatch(p -> p.fileText().equals("late,1\n")));
        Await.until(60, "its receipt says delivered", () -> get("/upload/receipts/" + lateReceipt, key).body()
                .contains("\"state\":\"delivered\""));
        assertTrue(get("/upload/receipts/" + cliReceipt, key).body().contains("delivered"), "kept across the kill");

        StringBuilder logged = new StringBuilder();
        try (Stream<Path> logs = Files.walk(dist.home().resolve("log"))) {
            for (Path log : logs.filter(Files::isRegularFile).toList()) {
                logged.append(Files.readString(log, StandardCharsets.ISO_8859_1));
            }
        }
        assertFalse(logged.toString().contains(key), "the key in the logs");
        assertTrue(logged.toString().contains("analyst from 127.0.0.1 uploaded 'iocs.csv' (" + csv.length()
                + " bytes"), "an audit line per upload");
        try (Stream<Path> spool = Files.walk(dist.home().resolve("data/upload"))) {
            assertEquals(List.of(), spool.filter(p -> p.toString().endsWith(".part")).toList(), "no spool left");
        }
    }

    @Test
    void aGibibyteStreamsToDiskWithASmallHeapAndACutOffUploadLeavesNothing() throws Exception {
        dist.configure("cybexp.source.upload-desk.cfg", "orgid = desk-org\ntypetag = misp-api\n"
                + "allowed_orgids = *\nallowed_typetags = *\nmax_bytes = " + (GIB + 1024) + "\n"
                + "handoff_folders = misp-lookup:data/misp-lookup\n");
        Result added = dist.cli("upload-key", "add", "bulk", "--orgid", "org-a");
        Matcher m = KEY.matcher(added.out());
        assertTrue(m.find(), added.out());
        String key = m.group(1);
        ProcessBuilder start = new ProcessBuilder(dist.home().resolve("bin/cybexp-input").toString(), "start")
                .redirectErrorStream(true);
        start.environment().put("JAVA_HOME", System.getProperty("java.home"));
        start.environment().put("JAVA_OPTS", "-Xmx128m");
        Process started = start.start();
        String startOut = new String(started.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, started.waitFor(), startOut);
        Await.until(60, "the endpoint is served", () -> {
            HttpResponse<String> page = get("/upload/", null);
            return page != null && page.statusCode() == 200;
        });

        // cut off in the middle of the file: no receipt, no spool file, nothing posted or handed off
        String head = "--b\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\ncut.bin\r\n--b\r\n"
                + "Content-Disposition: form-data; name=\"orgid\"\r\n\r\norg-a\r\n--b\r\n"
                + "Content-Disposition: form-data; name=\"typetag\"\r\n\r\nmisp-lookup\r\n--b\r\n"
                + "Content-Disposition: form-data; name=\"file\"; filename=\"cut.bin\"\r\n\r\n";
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /upload/raw HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + key
                    + "\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 10000000\r\n\r\n" + head)
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[3_000_000]);
            out.flush();
        }
        Path spool = dist.home().resolve("data/upload/desk/spool");
        Await.until(30, "the cut-off upload's spool file is gone", () -> !Files.isDirectory(spool)
                || isEmpty(spool));

        // 1 GiB, generated as it is sent, chunked, into the handoff folder: the heap is 128 MiB
        long began = System.nanoTime();
        String tail = "\r\n--b--\r\n";
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/upload/raw"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "multipart/form-data; boundary=b")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.SequenceInputStream(
                        java.util.Collections.enumeration(List.of(
                                new java.io.ByteArrayInputStream(head.replace("cut.bin", "big.bin")
                                        .getBytes(StandardCharsets.US_ASCII)),
                                new GeneratedBytes(GIB),
                                new java.io.ByteArrayInputStream(tail.getBytes(StandardCharsets.US_ASCII)))))))
                .build();
        HttpResponse<String> big = http.send(request, HttpResponse.BodyHandlers.ofString());
        double seconds = (System.nanoTime() - began) / 1e9;
        assertEquals(202, big.statusCode(), big.body());
        System.out.printf("UploadIT: 1 GiB streamed and handed off in %.1f s (%.0f MB/s) with -Xmx128m%n", seconds,
                GIB / 1e6 / seconds);
        try (Stream<Path> files = Files.list(dist.home().resolve("data/misp-lookup"))) {
            List<Path> placed = files.toList();
            assertEquals(1, placed.size(), placed.toString());
            assertTrue(placed.get(0).getFileName().toString().endsWith("-big.bin"), placed.toString());
            assertEquals(GIB, Files.size(placed.get(0)));
        }
        assertTrue(isEmpty(spool), "no spool file left");
        assertEquals(List.of(), raw.posts(), "nothing posted");
        assertTrue(dist.daemonPid().flatMap(ProcessHandle::of).map(ProcessHandle::isAlive).orElse(false),
                "the daemon lives");
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.findAny().isEmpty();
        }
    }

    /** {@code length} bytes of a repeating pattern, made as they are read: nothing of that size in memory. */
    private static final class GeneratedBytes extends InputStream {
        private static final byte[] PATTERN = new byte[64 * 1024];

        static {
            for (int i = 0; i < PATTERN.length; i++) {
                PATTERN[i] = (byte) ('A' + i % 26); // no CR: never the form's delimiter
            }
        }

        private long left;

        GeneratedBytes(long length) {
            this.left = length;
        }

        @Override
        public int read() {
            return left-- > 0 ? 'A' : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left <= 0) {
                return -1;
            }
            int n = (int) Math.min(Math.min(len, left), PATTERN.length);
            System.arraycopy(PATTERN, 0, b, off, n);
            left -= n;
            return n;
        }
    }

    private static String receiptOf(String body) {
        Matcher m = RECEIPT.matcher(body.replace(" ", ""));
        assertTrue(m.find(), body);
        return m.group(1);
    }

    private UploadFormBody form(String name, String orgid, String typetagField, String content) {
        return new UploadFormBody().field("name", name).field("orgid", orgid).field(typetagField, "misp-api")
                .file("file", name, "text/csv", content.getBytes(StandardCharsets.UTF_8));
    }

    private UploadFormBody formWith(String name, String orgid, String typetag, String content) {
        return new UploadFormBody().field("name", name).field("orgid", orgid).field("typetag", typetag)
                .file("file", name, "text/csv", content.getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> post(UploadFormBody form, String authorization, String idempotency)
            throws IOException, InterruptedException {
        return http.send(postRequest(form, authorization, idempotency), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest postRequest(UploadFormBody form, String authorization, String idempotency) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/upload/raw"))
                .header("Authorization", authorization).header("Content-Type", form.contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(form.body()));
        if (idempotency != null) {
            request.header("Idempotency-Key", idempotency);
        }
        return request.build();
    }

    private HttpResponse<String> get(String path, String key) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null; // not served yet
        }
    }

    /** Sends only the headers of a too-long upload and reads the status line: the body is never sent. */
    private String headersOnlyStatus(String key, long length) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /upload/raw HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + key
                    + "\r\nContent-Type: multipart/form-data; boundary=xyz\r\nContent-Length: " + length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c >= 0 && c != '\r'; c = in.read()) {
                line.append((char) c);
            }
            return line.toString();
        }
    }
}
