package org.cybexp.input.source.upload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Random;

import org.junit.jupiter.api.Test;

class MultipartReaderTest {

    private static byte[] form(String boundary, byte[] file) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("preamble\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"orgid\"\r\n\r\n"
                + "org-a\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a b.csv\"\r\n"
                + "Content-Type: text/csv\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(file);
        out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    /** Hands out at most a few bytes per read, so every delimiter is split across reads somewhere. */
    private static InputStream trickle(byte[] body, int most) {
        return new FilterInputStream(new ByteArrayInputStream(body)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, most));
            }
        };
    }

    @Test
    void readsFieldsAndAFileWhoseBytesLookAlmostLikeTheDelimiter() throws IOException {
        byte[] file = "a,b\r\n--bound\r\n--boun\r\n-\r\nend\r\n".getBytes(StandardCharsets.UTF_8);
        for (int most : new int[] {1, 2, 3, 7, 64, 100_000}) {
            MultipartReader reader = new MultipartReader(trickle(form("boundary", file), most), "boundary");
            MultipartReader.PartHead orgid = reader.next().orElseThrow();
            assertEquals("orgid", orgid.name());
            assertEquals("org-a", reader.text(100));
            MultipartReader.PartHead part = reader.next().orElseThrow();
            assertEquals("file", part.name());
            assertEquals("a b.csv", part.filename());
            assertEquals("text/csv", part.contentType());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            reader.body(out);
            assertArrayEquals(file, out.toByteArray(), "reads of " + most);
            assertEquals(Optional.empty(), reader.next());
        }
    }

    @Test
    void aBodyCutOffBeforeItsEndIsRefused() throws IOException {
        byte[] body = form("b", new byte[200_000]);
        byte[] cut = java.util.Arrays.copyOf(body, body.length - 10);
        MultipartReader reader = new MultipartReader(new ByteArrayInputStream(cut), "b");
        reader.next();
        reader.text(100);
        reader.next();
        assertThrows(MultipartReader.Malformed.class, () -> reader.body(ByteArrayOutputStream.nullOutputStream()));
    }

    @Test
    void theBoundaryComesFromAMultipartFormTypeOnly() {
        assertEquals(Optional.of("abc"), MultipartReader.boundary("multipart/form-data; boundary=\"abc\""));
        assertEquals(Optional.of("x-1"), MultipartReader.boundary("Multipart/Form-Data;charset=utf-8;boundary=x-1"));
        assertEquals(Optional.empty(), MultipartReader.boundary("application/json"));
        assertEquals(Optional.empty(), MultipartReader.boundary("multipart/form-data"));
        assertEquals(Optional.empty(), MultipartReader.boundary(null));
    }

    @Test
    void streamsQuickly() throws IOException {
        byte[] chunk = new byte[1 << 20];
        new Random(7).nextBytes(chunk);
        int mib = 256;
        InputStream body = new java.io.SequenceInputStream(new ByteArrayInputStream(form("b", new byte[0]),
                0, form("b", new byte[0]).length - 9), new InputStream() {
                    private int left = mib;
                    private int at;

                    @Override
                    public int read() {
                        throw new UnsupportedOperationException();
                    }

                    @Override
                    public int read(byte[] b, int off, int len) {
                        if (left == 0) {
                            return -1;
                        }
                        int n = Math.min(len, chunk.length - at);
                        System.arraycopy(chunk, at, b, off, n);
                        at += n;
                        if (at == chunk.length) {
                            at = 0;
                            left--;
                        }
                        return n;
                    }
                });
        MultipartReader reader = new MultipartReader(body, "b");
        reader.next();
        reader.text(100);
        reader.next();
        long began = System.nanoTime();
        assertThrows(MultipartReader.Malformed.class, () -> reader.body(ByteArrayOutputStream.nullOutputStream()));
        double seconds = (System.nanoTime() - began) / 1e9;
        System.out.printf("MultipartReader: %d MiB in %.2f s (%.0f MB/s)%n", mib, seconds, mib * 1.048576 / seconds);
        assertTrue(seconds < 10, "a 256 MiB part takes " + seconds + " s");
    }
}
