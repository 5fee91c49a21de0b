package org.cybexp.input.source.file;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import org.cybexp.input.source.text.Utf8Repair;

/**
 * A line's bytes as UTF-8: ASCII and valid UTF-8 as they are, other charsets decoded, and each invalid byte
 * sequence replaced by U+FFFD and counted.
 */
final class LineText {

    /** A line after repair or conversion, and how many replacements it took. */
    record Repaired(byte[] bytes, int off, int len, long replacements) {
    }

    private final Charset charset;
    private final boolean utf8;

    LineText(Charset charset) {
        this.charset = charset;
        this.utf8 = charset.equals(StandardCharsets.UTF_8);
    }

    Repaired utf8(byte[] data, int off, int len) {
        if (ascii(data, off, len)) {
            return new Repaired(data, off, len, 0);
        }
        return utf8 ? repairUtf8(data, off, len) : decode(data, off, len);
    }

    private static boolean ascii(byte[] data, int off, int len) {
        for (int i = off; i < off + len; i++) {
            if (data[i] < 0) {
                return false;
            }
        }
        return true;
    }

    private static Repaired repairUtf8(byte[] data, int off, int len) {
        try (Utf8Repair repair = Utf8Repair.counting(new ByteArrayInputStream(data, off, len))) {
            byte[] out = repair.readAllBytes();
            return new Repaired(out, 0, out.length, repair.replacements());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
    }

    private Repaired decode(byte[] data, int off, int len) {
        CharsetDecoder decoder = charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(data, off, len);
        CharBuffer out = CharBuffer.allocate((int) Math.ceil(len * (double) decoder.maxCharsPerByte()) + 16);
        long replaced = 0;
        while (true) {
            CoderResult result = decoder.decode(in, out, true);
            if (result.isError()) {
                out.put('\uFFFD');
                in.position(in.position() + result.length());
                replaced++;
            } else {
                break; // underflow: all read (the buffer is large enough for any line)
            }
        }
        decoder.flush(out);
        out.flip();
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(out);
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        return new Repaired(bytes, 0, bytes.length, replaced);
    }
}
