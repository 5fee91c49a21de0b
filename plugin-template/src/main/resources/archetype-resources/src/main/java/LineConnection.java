package ${package};

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import org.cybexp.input.api.EmitResult;
import org.cybexp.input.api.Event;
import org.cybexp.input.api.FetchContext;

/**
 * One sender's connection, served on its own thread. Each line {@code n} (counted from 1 on the connection) is
 * handed to {@link FetchContext#emitDurably} and answered, in order, once its outcome is known:
 * <ul>
 * <li>{@code OK n}: stored on disk (or stored before): it will be posted;</li>
 * <li>{@code BUSY n}: not stored (the input is over capacity, or stopping): send it again later;</li>
 * <li>{@code ERR n <reason>}: malformed (too long, not UTF-8), counted in status: do not send it again.</li>
 * </ul>
 * An empty line is a keep-alive: nothing is stored, nothing answered. The connection reads ahead while the
 * sender pipelines, with at most {@link #WINDOW} lines unanswered, and answers everything before it waits for
 * more input; only this thread writes, so a sender that does not read its answers blocks only itself. While the
 * input is not {@linkplain FetchContext#accepting() accepting} it reads nothing: TCP pushes back on the sender.
 */
final class LineConnection implements Closeable {

    static final String MEDIA_TYPE = "text/plain";

    private static final int WINDOW = 64;
    private static final Duration STORE_WAIT = Duration.ofSeconds(30);
    private static final Duration FULL_POLL = Duration.ofMillis(100);

    /** A line's answer, known once its event is stored (or refused). */
    private record Pending(long number, CompletableFuture<String> answer) {
    }

    private final Socket socket;
    private final FetchContext ctx;
    private final int maxLineBytes;
    private final Duration idleTimeout;
    private final AtomicLong stored;
    private final Deque<Pending> unanswered = new ArrayDeque<>();
    private volatile boolean stopping;

    LineConnection(Socket socket, FetchContext ctx, int maxLineBytes, Duration idleTimeout, AtomicLong stored) {
        this.socket = socket;
        this.ctx = ctx;
        this.maxLineBytes = maxLineBytes;
        this.idleTimeout = idleTimeout;
        this.stored = stored;
    }

    /** Serves the connection until the sender closes it, goes idle, or the input stops; then closes it. */
    void run() {
        try (Socket open = socket) {
            open.setSoTimeout((int) Math.min(Integer.MAX_VALUE, idleTimeout.toMillis()));
            Writer out = new OutputStreamWriter(new BufferedOutputStream(open.getOutputStream()),
                    StandardCharsets.US_ASCII);
            try {
                receive(new LineReader(open.getInputStream(), maxLineBytes), out);
            } catch (IOException e) {
                // the sender left, stayed silent too long, or the stop closed its input: answer what was read
            }
            answerAll(out);
        } catch (IOException e) {
            // the answers could not be written: the sender sends those lines again
        }
    }

    private void receive(LineReader lines, Writer out) throws IOException {
        for (long number = 1; readyToRead(lines, out); number++) {
            LineReader.Line line = lines.next();
            if (line == null || stopping) {
                return; // a line read after the stop is not answered: the sender sends it again
            }
            if (!line.terminated()) {
                ctx.malformed("unterminated line at the end of the connection", line.bytes());
                return;
            }
            handle(number, line);
        }
    }

    private void handle(long number, LineReader.Line line) {
        if (line.isEmpty()) {
            return;
        }
        if (line.tooLong() || !line.isUtf8()) {
            String reason = line.tooLong() ? "line longer than " + maxLineBytes + " bytes" : "line not UTF-8";
            ctx.malformed(reason, line.bytes());
            unanswered.add(new Pending(number, CompletableFuture.completedFuture("ERR " + number + " " + reason)));
            return;
        }
        // The answer is made on the container's storing thread (keep it short); this thread writes it.
        CompletableFuture<String> answer = ctx.emitDurably(Event.of(line.bytes(), MEDIA_TYPE))
                .handle((result, failure) -> answerTo(number, result, failure)).toCompletableFuture();
        unanswered.add(new Pending(number, answer));
    }

    private String answerTo(long number, EmitResult result, Throwable failure) {
        if (failure != null || result == EmitResult.REFUSED_FULL) {
            return "BUSY " + number;
        }
        if (result == EmitResult.STORED) {
            stored.incrementAndGet();
        }
        return "OK " + number;
    }

    /**
     * Answers before reading on: everything when no more input is buffered (the sender may be waiting for its
     * answers), the oldest when the window is full; then waits while the input takes no more events.
     *
     * @return false when the input stops: read no more
     */
    private boolean readyToRead(LineReader lines, Writer out) throws IOException {
        if (!lines.hasBuffered()) {
            answerAll(out);
        } else if (unanswered.size() >= WINDOW) {
            answer(unanswered.poll(), out);
            out.flush();
        }
        while (!ctx.accepting() && !stopping && !ctx.stopRequested()) {
            answerAll(out);
            try {
                ctx.awaitStop(FULL_POLL); // back-pressure: read nothing, TCP makes the sender wait
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return !stopping && !ctx.stopRequested();
    }

    private void answerAll(Writer out) throws IOException {
        while (!unanswered.isEmpty()) {
            answer(unanswered.poll(), out);
        }
        out.flush();
    }

    private void answer(Pending line, Writer out) throws IOException {
        String text;
        try {
            text = line.answer().get(STORE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            text = "BUSY " + line.number();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // closing: the answer will not get through anyway
            text = "BUSY " + line.number();
        }
        out.write(text + "\n");
    }

    /** Reads no more (a blocked read returns); what was read is still answered. */
    void stopReading() {
        stopping = true;
        try {
            socket.shutdownInput();
        } catch (IOException | UnsupportedOperationException e) {
            // TLS may refuse a half close before the peer's close_notify; the read ends all the same
        }
    }

    @Override
    public void close() {
        stopping = true;
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
