package ${package};

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads lines ending in {@code \n} (a {@code \r} before it is dropped) from a stream, keeping at most
 * {@code maxBytes} of each: a longer line is read to its end, so the next one starts in the right place, and
 * comes back marked too long. Memory stays bounded whatever a sender writes.
 */
final class LineReader {

    /** One line without its end; {@code terminated} is false for what was left when the stream ended. */
    record Line(byte[] bytes, boolean tooLong, boolean terminated) {

        boolean isEmpty() {
            return bytes.length == 0 && !tooLong;
        }

        boolean isUtf8() {
            try {
                StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
                return true;
            } catch (CharacterCodingException e) {
                return false;
            }
        }
    }

    private final InputStream in;
    private final int maxBytes;

    LineReader(InputStream in, int maxBytes) {
        this.in = new BufferedInputStream(in);
        this.maxBytes = maxBytes;
    }

    /** The next line; null at the end of the stream when nothing is left. */
    Line next() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        boolean overflow = false;
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            if (line.size() <= maxBytes) { // one byte more than allowed: it may be the \r of \r\n
                line.write(b);
            } else {
                overflow = true;
            }
        }
        byte[] bytes = line.toByteArray();
        if (b == -1 && bytes.length == 0) {
            return null;
        }
        int length = !overflow && bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1
                : bytes.length;
        boolean tooLong = overflow || length > maxBytes;
        return new Line(Arrays.copyOf(bytes, Math.min(length, maxBytes)), tooLong, b != -1);
    }

    /** Whether bytes were received that are not read yet: the sender is sending more (pipelining). */
    boolean hasBuffered() throws IOException {
        return in.available() > 0;
    }
}
