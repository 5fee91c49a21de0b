package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.cybexp.input.api.SourceException;
import org.cybexp.input.api.SourceInput;
import org.cybexp.input.testkit.InMemoryInputStore;
import org.cybexp.input.testkit.RunningFetch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The listener with real TCP clients on 127.0.0.1, run by the test kit's in-memory container: its durable emit
 * stores into the kit's outbox, so a test sees that a line is answered only once it is there.
 */
class ${classPrefix}ListenInputTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private InMemoryInputStore store;
    private SourceInput input;

    /** A listener on a free port (0: shown in the status line) with short lines, and the given keys. */
    private SourceInput listen(Map<String, String> keys) throws Exception {
        Map<String, String> all = new HashMap<>(Map.of("port", "0", "max_line_bytes", "32"));
        all.putAll(keys);
        if (store == null) {
            store = InMemoryInputStore.builder(new ${classPrefix}ListenPlugin()).name("lines").properties(all).build();
        } else {
            store.reconfigure(all); // an edited .cfg: the stored events stay
            input.close();
        }
        input = store.open();
        return input;
    }

    @AfterEach
    void close() {
        if (input != null) {
            input.close();
        }
    }

    @Test
    void eachLineIsAnsweredOnlyOnceItIsInTheOutbox() throws Exception {
        listen(Map.of());
        List<String> lines = List.of("first", "second", "third");
        try (RunningFetch running = store.start(input); LineClient client = new LineClient(portOf(running))) {
            client.send("first\nsecond\r\nthird\n"); // pipelined: no waiting between lines
            for (int n = 1; n <= lines.size(); n++) {
                assertEquals("OK " + n, client.answer());
                assertTrue(store.eventTexts().contains(lines.get(n - 1)), "line " + n + " stored before its OK");
            }

            store.failWrites(true); // a full disk: nothing can be stored
            client.send("fourth\n");
            assertEquals("BUSY 4", client.answer());
            assertFalse(store.eventTexts().contains("fourth"), "a BUSY line is not stored");

            store.failWrites(false);
            client.send("fourth\n"); // the sender tries again
            assertEquals("OK 5", client.answer());
            assertEquals(List.of("first", "second", "third", "fourth"), store.eventTexts());
            running.stopGracefully();
            running.join(WAIT);
        }
    }

    @Test
    void aLineTooLongOrNotUtf8IsRefusedAndCountedAndTheNextOneArrives() throws Exception {
        listen(Map.of());
        try (RunningFetch running = store.start(input); LineClient client = new LineClient(portOf(running))) {
            client.send("x".repeat(100) + "\n");
            client.send(new byte[] {(byte) 0xC3, (byte) 0x28, '\n'}); // an invalid UTF-8 sequence
            client.send("\nfine\n"); // an empty line is a keep-alive: no answer

            assertEquals("ERR 1 line longer than 32 bytes", client.answer());
            assertEquals("ERR 2 line not UTF-8", client.answer());
            assertEquals("OK 4", client.answer());
            assertEquals(List.of("fine"), store.eventTexts());
            assertEquals(List.of("line longer than 32 bytes", "line not UTF-8"),
                    running.context().malformedReasons());
        }
    }

    @Test
    void aStopAnswersWhatWasReadReleasesThePortAndTheNextInstanceBindsItAtOnce() throws Exception {
        int port = freePort();
        listen(Map.of("port", Integer.toString(port)));
        try (RunningFetch running = store.start(input); LineClient client = new LineClient(portOf(running))) {
            client.send("before the edit\n");
            assertEquals("OK 1", client.answer());

            running.stopGracefully(); // as the container does before it starts the edited input
            running.join(WAIT);
            assertNull(client.answer(), "the connection was closed");
            assertEquals(0, running.context().openResources());
        }
        try (ServerSocket again = new ServerSocket()) {
            again.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)); // free at once
        }

        listen(Map.of("port", Integer.toString(port), "typetag", "lines-v2"));
        try (RunningFetch running = store.start(input); LineClient client = new LineClient(portOf(running))) {
            client.send("after the edit\n");
            assertEquals("OK 1", client.answer());
        }
        assertEquals(List.of("before the edit", "after the edit"), store.eventTexts());
    }

    @Test
    void aTakenPortFailsTheFetchNamingIt() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            listen(Map.of("port", Integer.toString(taken.getLocalPort())));

            SourceException failure = assertThrows(SourceException.class, () -> store.fetch(input));

            assertTrue(failure.getMessage().startsWith("cannot listen on 127.0.0.1:" + taken.getLocalPort()),
                    failure.getMessage());
        }
    }

    @Test
    void connectionsOverTheLimitAreClosedAndTheOthersServed() throws Exception {
        listen(Map.of("max_connections", "1"));
        try (RunningFetch running = store.start(input); LineClient first = new LineClient(portOf(running))) {
            first.send("one\n");
            assertEquals("OK 1", first.answer()); // served: it holds the only slot
            try (LineClient second = new LineClient(portOf(running))) {
                assertNull(second.answer(), "closed at once");
            }
            first.send("two\n");
            assertEquals("OK 2", first.answer());
        }
    }

    // ---- helpers

    /** The port the running listener bound, from its status line {@code listening on 127.0.0.1:<port>...}. */
    private static int portOf(RunningFetch running) throws InterruptedException {
        assertTrue(running.context().awaitProgress(line -> line.startsWith("listening on "), WAIT),
                "the listener bound its port: " + running.context().progress() + " " + running.failure());
        Matcher port = Pattern.compile(":(\\d+)").matcher(running.context().progress());
        assertTrue(port.find(), running.context().progress());
        return Integer.parseInt(port.group(1));
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    /** A sender: writes lines, reads the listener's answers. */
    static final class LineClient implements AutoCloseable {

        private final Socket socket;
        private final OutputStream out;
        private final BufferedReader answers;

        LineClient(int port) throws IOException {
            this(new Socket(InetAddress.getLoopbackAddress(), port));
        }

        LineClient(Socket connected) throws IOException {
            this.socket = connected;
            socket.setSoTimeout((int) WAIT.toMillis());
            this.out = socket.getOutputStream();
            this.answers = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII));
        }

        void send(String text) throws IOException {
            send(text.getBytes(StandardCharsets.UTF_8));
        }

        void send(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        /** The next answer line; null once the listener closed the connection. */
        String answer() throws IOException {
            return answers.readLine();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
