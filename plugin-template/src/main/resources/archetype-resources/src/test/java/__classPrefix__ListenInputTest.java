package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.cybexp.input.api.EmitResult;
import org.cybexp.input.api.Event;
import org.cybexp.input.api.FetchContext;
import org.cybexp.input.api.HttpAccess;
import org.cybexp.input.api.InputConfig;
import org.cybexp.input.api.Network;
import org.cybexp.input.api.PersistentState;
import org.cybexp.input.api.SourceException;
import org.cybexp.input.api.SourceInput;
import org.cybexp.input.testkit.InMemoryInputStore;
import org.cybexp.input.testkit.RunningFetch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The listener with real TCP clients on 127.0.0.1, run by the test kit's in-memory container: its durable emit
 * stores into the kit's outbox, so a test sees that a line is answered only once it is there.
 */
class ${classPrefix}ListenInputTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String PASSWORD = "test-only-Kx9";

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
    void underBackPressureNothingIsReadAndARefusedLineIsAnsweredBusy() throws Exception {
        listen(Map.of());
        FillableOutbox outbox = new FillableOutbox();
        outbox.full = true; // over its cap: the listener reads nothing, so TCP holds the sender back
        SourceInput listener = ctx -> input.fetch(outbox.over(ctx));
        try (RunningFetch running = store.start(listener); LineClient client = new LineClient(portOf(running))) {
            client.send("a\n");
            assertTrue(outbox.refusedChecks.await(WAIT.toMillis(), TimeUnit.MILLISECONDS), "it waits for room");
            assertEquals(0, outbox.emits.get(), "nothing read while the outbox is full");

            outbox.full = false;
            assertEquals("OK 1", client.answer());

            outbox.refuse = true; // the outbox filled between the check and the emit
            client.send("b\n");
            assertEquals("BUSY 2", client.answer()); // not stored: the sender sends it again later

            outbox.refuse = false;
            client.send("b\n");
            assertEquals("OK 3", client.answer());
        }
        assertEquals(List.of("a", "b"), store.eventTexts());
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

    @Test
    void withAServerCertificateItSpeaksTlsAndServesOnlyTrustedClients(@TempDir Path dir) throws Exception {
        // One self-signed key pair (keytool takes seconds) serves both ends: the listener's certificate, and the
        // client certificate of the trusted sender, which tls_ca names. The stranger presents none.
        Path keys = keyPair(dir, "listener", "CN=127.0.0.1");
        Path certificate = certificate(dir, keys);
        listen(Map.of("tls_keystore", keys.toString(), "tls_keystore_password", PASSWORD,
                "tls_ca", certificate.toString(), "tls_client_auth", "need"));
        SSLContext trusted = clientTls(certificate, keys);
        SSLContext stranger = clientTls(certificate, null);

        try (RunningFetch running = store.start(input)) {
            int port = portOf(running);
            assertTrue(running.context().progress().contains("(TLS)"), running.context().progress());
            try (LineClient sender = new LineClient(trusted.getSocketFactory().createSocket(
                    InetAddress.getLoopbackAddress(), port))) {
                sender.send("over tls\n");
                assertEquals("OK 1", sender.answer());
            }
            try (LineClient unknown = new LineClient(stranger.getSocketFactory().createSocket(
                    InetAddress.getLoopbackAddress(), port))) {
                assertThrows(IOException.class, () -> {
                    unknown.send("without a certificate\n");
                    unknown.answer(); // the handshake fails: no client certificate
                });
            }
            running.stopGracefully();
            running.join(WAIT);
        }
        assertEquals(List.of("over tls"), store.eventTexts());
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

    /** A key pair with a self-signed certificate for 127.0.0.1, made with the JDK's keytool: PKCS#12. */
    private static Path keyPair(Path dir, String alias, String subject) throws Exception {
        Path store = dir.resolve(alias + ".p12");
        keytool("-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", subject,
                "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore",
                store.toString(), "-storepass", PASSWORD);
        return store;
    }

    /** The certificate of a key pair from {@link #keyPair}, as a PEM file. */
    private static Path certificate(Path dir, Path keyPair) throws Exception {
        String alias = keyPair.getFileName().toString().replace(".p12", "");
        byte[] der = KeyStore.getInstance(keyPair.toFile(), PASSWORD.toCharArray()).getCertificate(alias)
                .getEncoded();
        String base64 = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        return Files.writeString(dir.resolve(alias + ".pem"),
                "-----BEGIN CERTIFICATE-----\n" + base64 + "\n-----END CERTIFICATE-----\n");
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of("-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC")); // it runs briefly
        command.addAll(List.of(args));
        Process keytool = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0, output);
    }

    /** A sender's TLS: trusts the server's certificate, presents its own key pair if one is given. */
    private static SSLContext clientTls(Path serverCertificate, Path ownKeyPair) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream pem = Files.newInputStream(serverCertificate)) {
            trust.setCertificateEntry("server", CertificateFactory.getInstance("X.509").generateCertificate(pem));
        }
        TrustManagerFactory trustManagers =
                TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        KeyManager[] keyManagers = null;
        if (ownKeyPair != null) {
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(KeyStore.getInstance(ownKeyPair.toFile(), PASSWORD.toCharArray()), PASSWORD.toCharArray());
            keyManagers = keys.getKeyManagers();
        }
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keyManagers, trustManagers.getTrustManagers(), null);
        return tls;
    }

    /**
     * The kit's context with an outbox the test fills: while {@code full}, {@code accepting()} is false and
     * {@code emitDurably} answers {@code REFUSED_FULL}, as the container's do over the outbox's cap; while
     * {@code refuse}, only {@code emitDurably} does (the outbox filled between the check and the emit).
     * Everything else is the kit's.
     */
    static final class FillableOutbox {

        volatile boolean full;
        volatile boolean refuse;
        final AtomicInteger emits = new AtomicInteger();
        /** Counts down each time the listener asks while the outbox is full: it waits, reading nothing. */
        final CountDownLatch refusedChecks = new CountDownLatch(3);

        FetchContext over(FetchContext kit) {
            return new FetchContext() {
                @Override
                public CompletionStage<EmitResult> emitDurably(Event event) {
                    emits.incrementAndGet();
                    return full || refuse ? CompletableFuture.completedFuture(EmitResult.REFUSED_FULL)
                            : kit.emitDurably(event);
                }

                @Override
                public boolean accepting() {
                    if (full) {
                        refusedChecks.countDown();
                        return false;
                    }
                    return kit.accepting();
                }

                // ---- the kit's own
                @Override public InputConfig config() { return kit.config(); }
                @Override public void emit(Event event) { kit.emit(event); }
                @Override public Network network() { return kit.network(); }
                @Override public boolean seen(String key) { return kit.seen(key); }
                @Override public PersistentState state() { return kit.state(); }
                @Override public void checkpoint() { kit.checkpoint(); }
                @Override public HttpAccess http() { return kit.http(); }
                @Override public boolean stopRequested() { return kit.stopRequested(); }
                @Override public boolean stopNow() { return kit.stopNow(); }
                @Override public void closeOnStop(Closeable resource) { kit.closeOnStop(resource); }
                @Override public void malformed(String reason, byte[] sample) { kit.malformed(reason, sample); }
                @Override public void progress(String detail) { kit.progress(detail); }
                @Override public void statusDetail(String key, Object value) { kit.statusDetail(key, value); }
                @Override public Clock clock() { return kit.clock(); }

                @Override
                public boolean awaitStop(Duration timeout) throws InterruptedException {
                    return kit.awaitStop(timeout);
                }
            };
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
