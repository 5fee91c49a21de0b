package org.cybexp.input.runtime.thirdparty;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A sender of numbered lines ({@code line-1}, {@code line-2}, ...) to the template's line listener, behaving as
 * a careful client does: one line at a time, each sent again until it is answered {@code OK}, a new connection
 * when the listener closes one. It records each acknowledged line with the connection it was acknowledged on
 * (numbered from 1) and when, and when the listener closed each connection.
 */
final class LineSender implements AutoCloseable {

    /** One acknowledged line. */
    record Ack(String line, int connection, long nanos) {
    }

    /** A connection the listener closed, or that failed: its number and when. */
    record Closed(int connection, long nanos) {
    }

    /** Pace of reconnecting while nobody listens (a sender's retry pace, not a wait for a condition). */
    private static final long RECONNECT_PAUSE_MS = 10;
    private static final int ANSWER_TIMEOUT_MS = 10_000;

    private final int port;
    private final Thread thread;
    private final List<Ack> acks = new CopyOnWriteArrayList<>();
    private final List<Closed> closed = new CopyOnWriteArrayList<>();
    private volatile boolean running = true;
    private volatile int connection;
    private volatile int refusedConnects;
    private volatile int busyAnswers;
    private volatile String unexpected;

    LineSender(int port) {
        this.port = port;
        this.thread = new Thread(this::run, "line-sender-" + port);
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        int next = 1;
        while (running) {
            Socket socket = connect();
            if (socket == null) {
                return;
            }
            int number = ++connection;
            try (socket) {
                next = sendOn(socket, number, next);
            } catch (IOException e) {
                // reset or timed out: the unanswered line is sent again on the next connection
            }
            closed.add(new Closed(number, System.nanoTime()));
        }
    }

    /** Sends lines from {@code next} on until the connection ends; returns the first line not acknowledged. */
    private int sendOn(Socket socket, int number, int next) throws IOException {
        socket.setSoTimeout(ANSWER_TIMEOUT_MS);
        OutputStream out = socket.getOutputStream();
        BufferedReader answers = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                StandardCharsets.US_ASCII));
        for (int sent = 1; running; sent++) {
            String line = "line-" + next;
            out.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = answers.readLine();
            if (answer == null) {
                return next; // the listener closed the connection: send it again on a new one
            } else if (answer.equals("OK " + sent)) {
                acks.add(new Ack(line, number, System.nanoTime()));
                next++;
            } else if (answer.equals("BUSY " + sent)) {
                busyAnswers++;
            } else {
                unexpected = "'" + answer + "' to line " + sent + " of connection " + number;
                running = false;
            }
        }
        return next;
    }

    private Socket connect() {
        while (running) {
            try {
                return new Socket(InetAddress.getLoopbackAddress(), port);
            } catch (IOException e) {
                refusedConnects++;
                try {
                    TimeUnit.MILLISECONDS.sleep(RECONNECT_PAUSE_MS);
                } catch (InterruptedException stop) {
                    return null;
                }
            }
        }
        return null;
    }

    List<Ack> acks() {
        return List.copyOf(acks);
    }

    List<Closed> closed() {
        return List.copyOf(closed);
    }

    /** The connection being used now (1 for the first). */
    int connection() {
        return connection;
    }

    int refusedConnects() {
        return refusedConnects;
    }

    int busyAnswers() {
        return busyAnswers;
    }

    /** An answer that is none of the protocol's, or null. */
    String unexpected() {
        return unexpected;
    }

    /** Stops sending and waits for the thread (at most the answer timeout). */
    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(ANSWER_TIMEOUT_MS + 1000);
    }
}
