package org.cybexp.input.source.websocket;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;

/**
 * The client endpoint of one websocket session. Runs on the websocket library's threads: it only assembles
 * messages within {@code max_frame_bytes} (larger ones are counted, never buffered whole), notes when the peer
 * was last heard from, and queues everything for the input's fetch thread, which alone talks to the container.
 * Partial handlers are used so that an oversized message costs no more memory than the limit.
 */
final class FrameEndpoint extends Endpoint {

    /** Bytes of a skipped message kept for the log. */
    static final int SAMPLE_BYTES = 64;

    private final FrameQueue queue;
    private final int maxFrameBytes;
    private final Clock clock;
    private volatile Instant lastHeard;
    private final AtomicLong heard = new AtomicLong();

    // used by the library's read thread only (messages of one session arrive in order, one at a time)
    private final StringBuilder text = new StringBuilder();
    private long textBytes;
    private byte[] textSample;
    private long binaryBytes;
    private byte[] binarySample;
    /** The message being received, or null between messages; read by the fetch thread. */
    private volatile OpenMessage open;

    FrameEndpoint(FrameQueue queue, int maxFrameBytes, Clock clock) {
        this.queue = queue;
        this.maxFrameBytes = maxFrameBytes;
        this.clock = clock;
        this.lastHeard = clock.instant();
    }

    @Override
    public void onOpen(Session session, EndpointConfig config) {
        session.addMessageHandler(String.class, (MessageHandler.Partial<String>) this::onText);
        session.addMessageHandler(ByteBuffer.class, (MessageHandler.Partial<ByteBuffer>) this::onBinary);
        session.addMessageHandler(PongMessage.class, (MessageHandler.Whole<PongMessage>) pong -> heard());
    }

    private void onText(String part, boolean last) {
        heard();
        long partBytes = utf8Length(part);
        progress(textBytes + partBytes, last);
        if (textSample == null && textBytes + partBytes > maxFrameBytes) {
            // over the limit: keep the first bytes for the log, drop the rest as it comes
            text.append(part, 0, Math.min(part.length(), SAMPLE_BYTES));
            textSample = head(text.substring(0, Math.min(text.length(), SAMPLE_BYTES)).getBytes(StandardCharsets.UTF_8));
            text.setLength(0);
            text.trimToSize();
        } else if (textSample == null) {
            text.append(part);
        }
        textBytes += partBytes;
        if (last) {
            Received message = textSample == null ? new Received.Text(text.toString())
                    : new Received.Rejected("text frame of " + textBytes + " bytes, over max_frame_bytes "
                            + maxFrameBytes, textSample);
            text.setLength(0);
            textBytes = 0;
            textSample = null;
            deliver(message);
        }
    }

    private void onBinary(ByteBuffer part, boolean last) {
        heard();
        progress(binaryBytes + part.remaining(), last);
        if (binarySample == null) {
            byte[] bytes = new byte[Math.min(part.remaining(), SAMPLE_BYTES)];
            part.duplicate().get(bytes);
            binarySample = bytes;
        }
        binaryBytes += part.remaining();
        if (last) {
            Received message = new Received.Rejected("binary frame of " + binaryBytes + " bytes (only text frames "
                    + "carry events)", binarySample);
            binaryBytes = 0;
            binarySample = null;
            deliver(message);
        }
    }

    /** Notes a fragment: the message is open until its last one. */
    private void progress(long bytesSoFar, boolean last) {
        OpenMessage current = open;
        open = last ? null : new OpenMessage(current == null ? clock.instant() : current.started(), bytesSoFar,
                current == null ? 1 : current.fragments() + 1);
    }

    /** The message being received and not yet ended, if any. */
    OpenMessage openMessage() {
        return open;
    }

    private void deliver(Received message) {
        try {
            queue.put(message);
        } catch (InterruptedException e) {
            // the library is shutting its threads down: the session is ending anyway
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void onClose(Session session, CloseReason closeReason) {
        queue.end(new Received.Closed(closeReason.getCloseCode().getCode(), closeReason.getReasonPhrase()));
    }

    @Override
    public void onError(Session session, Throwable error) {
        queue.end(new Received.Failed(error));
    }

    private void heard() {
        lastHeard = clock.instant();
        heard.incrementAndGet();
    }

    /** How many messages, fragments and pongs the peer sent so far. */
    long heardCount() {
        return heard.get();
    }

    /** When the peer last sent anything (a message, a fragment or a pong); the connection time at first. */
    Instant lastHeard() {
        return lastHeard;
    }

    private static byte[] head(byte[] bytes) {
        return Arrays.copyOf(bytes, Math.min(bytes.length, SAMPLE_BYTES));
    }

    /** The UTF-8 length of a text, without encoding it. */
    static long utf8Length(CharSequence text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
