package org.cybexp.input.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpServer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `cybexp-input upload` to an address where nothing listens says why, not "null". */
class UploadCommandsTest {

    @TempDir
    Path root;

    @Test
    void anUploadToAClosedPortNamesTheFailure() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort(); // closed again below: nothing listens there
        }
        Path file = Files.writeString(root.resolve("iocs.txt"), "198.51.100.7\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String url = "http://127.0.0.1:" + port + "/upload";
        int code = new UploadCommands(new Home(root), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(
                new String[] {"upload", file.toString(), "--orgid", "org", "--typetag", "t", "--url", url},
                Map.of(UploadCommands.KEY_ENV, "cxu_test"));
        String said = err.toString(StandardCharsets.UTF_8);
        assertEquals(Cli.ERROR, code);
        assertTrue(said.contains(url + ": ") && said.contains("ConnectException"), said);
        assertFalse(said.contains(": null"), said);
        assertFalse(said.contains("cxu_test"), said);
    }

    /** The web server starts at level 4, after start returned: an upload right after start still gets through. */
    @Test
    void whileTheDaemonRunsAnUploadWaitsForItsWebServerToListen() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort(); // nothing listens there until the server below binds it
        }
        Files.createDirectories(root.resolve("data"));
        Files.writeString(new Home(root).runningConfig(), "host=127.0.0.1\nport=1\nnonce=x\npid="
                + ProcessHandle.current().pid() + "\n"); // a running daemon: this process
        Path file = Files.writeString(root.resolve("iocs.txt"), "198.51.100.7\n");
        CompletableFuture<HttpServer> late = CompletableFuture.supplyAsync(() -> {
            try {
                HttpServer server = HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", port), 0);
                server.createContext("/upload/raw", exchange -> {
                    exchange.getRequestBody().readAllBytes();
                    byte[] body = "{\"receipt\":\"r1\"}".getBytes(StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(202, body.length);
                    exchange.getResponseBody().write(body);
                    exchange.close();
                });
                server.start();
                return server;
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, CompletableFuture.delayedExecutor(700, TimeUnit.MILLISECONDS));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            int code = new UploadCommands(new Home(root), new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8)).run(new String[] {"upload",
                    file.toString(), "--orgid", "org", "--typetag", "t", "--url", "http://127.0.0.1:" + port
                    + "/upload"}, Map.of(UploadCommands.KEY_ENV, "cxu_test"));
            assertEquals(Cli.OK, code, err.toString(StandardCharsets.UTF_8));
            assertTrue(out.toString(StandardCharsets.UTF_8).contains("r1"));
        } finally {
            late.get(5, TimeUnit.SECONDS).stop(0);
        }
    }

    @Test
    void theWaitForAnAnswerGrowsWithTheFileFromAMinute() {
        assertEquals(java.time.Duration.ofSeconds(60), UploadCommands.answerTimeout(13));
        assertEquals(java.time.Duration.ofSeconds(160), UploadCommands.answerTimeout(100L * 1024 * 1024));
    }
}
