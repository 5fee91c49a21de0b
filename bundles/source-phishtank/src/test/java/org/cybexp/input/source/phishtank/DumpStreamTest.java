package org.cybexp.input.source.phishtank;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.cybexp.input.api.SourceException;
import org.junit.jupiter.api.Test;

/** Recognising, decompressing and capping a download, over the fixtures. */
class DumpStreamTest {

    private static final long NO_CAP = Long.MAX_VALUE;

    private static DumpStream open(byte[] body, DumpFormat format, long cap) throws IOException, SourceException {
        return DumpStream.open(new ByteArrayInputStream(body), format, cap);
    }

    private static byte[] text(byte[] body, DumpFormat format) throws IOException, SourceException {
        try (DumpStream dump = open(body, format, NO_CAP)) {
            return dump.text().readAllBytes();
        }
    }

    @Test
    void everyFormatOfTheSampleYieldsTheSameJson() throws Exception {
        byte[] json = Fixtures.bytes("online-valid.json");
        assertEquals(new String(json, StandardCharsets.UTF_8),
                new String(text(Fixtures.bytes("online-valid.json.bz2"), DumpFormat.AUTO), StandardCharsets.UTF_8));
        assertEquals(json.length, text(Fixtures.bytes("online-valid.json.gz"), DumpFormat.AUTO).length);
        assertEquals(new String(json, StandardCharsets.UTF_8),
                new String(text(json, DumpFormat.AUTO), StandardCharsets.UTF_8));
        assertEquals(json.length, text(Fixtures.bytes("online-valid.json.bz2"), DumpFormat.BZIP2).length);
        assertEquals(json.length, text(Fixtures.bytes("online-valid.json.gz"), DumpFormat.GZIP).length);
        assertEquals(json.length, text(json, DumpFormat.JSON).length);
    }

    @Test
    void concatenatedBzip2StreamsAndGzipMembersAreReadToTheEnd() throws Exception {
        byte[] json = Fixtures.bytes("online-valid.json");
        try (DumpStream dump = open(Fixtures.bytes("malformed/multistream.json.bz2"), DumpFormat.AUTO, NO_CAP)) {
            assertEquals(DumpFormat.BZIP2, dump.format());
            assertEquals(new String(json, StandardCharsets.UTF_8),
                    new String(dump.text().readAllBytes(), StandardCharsets.UTF_8));
        }
        try (DumpStream dump = open(Fixtures.bytes("malformed/multimember.json.gz"), DumpFormat.AUTO, NO_CAP)) {
            assertEquals(DumpFormat.GZIP, dump.format());
            assertEquals(json.length, dump.text().readAllBytes().length);
        }
    }

    @Test
    void truncatedCompressedDataIsReportedAsSuch() throws Exception {
        for (String name : List.of("malformed/truncated.json.bz2", "malformed/truncated.json.gz")) {
            // bzip2 fails while opening (it decodes its first block then), gzip while reading
            DumpStreamException e = assertThrows(DumpStreamException.class,
                    () -> text(Fixtures.bytes(name), DumpFormat.AUTO), name);
            assertEquals(DumpStreamException.Reason.CORRUPT, e.reason(), name);
            assertTrue(e.getMessage().contains("data is truncated or corrupt"), e.getMessage());
        }
        byte[] large = Fixtures.bzip2(Fixtures.dump(java.util.Collections.nCopies(4000, Fixtures.records().get(0))));
        DumpStreamException later = assertThrows(DumpStreamException.class,
                () -> text(java.util.Arrays.copyOf(large, large.length / 2), DumpFormat.AUTO));
        assertEquals(DumpStreamException.Reason.CORRUPT, later.reason());
        assertTrue(later.getMessage().startsWith("the bzip2 data is truncated or corrupt after "), later.getMessage());
    }

    @Test
    void theRateLimitTextIsRecognisedRawOrCompressed() {
        assertThrows(RateLimitedException.class,
                () -> open(Fixtures.bytes("malformed/rate-limit-saved-as.json.bz2"), DumpFormat.AUTO, NO_CAP));
        assertThrows(RateLimitedException.class,
                () -> open(Fixtures.bytes("malformed/rate-limit-saved-as.json.bz2"), DumpFormat.BZIP2, NO_CAP));
        assertThrows(RateLimitedException.class,
                () -> open(Fixtures.gzip(Fixtures.bytes("http/rate-limit-body.txt")), DumpFormat.AUTO, NO_CAP));
        assertThrows(RateLimitedException.class,
                () -> open("<html><body>You have exceeded the request\n rate limit</body></html>"
                        .getBytes(StandardCharsets.US_ASCII), DumpFormat.AUTO, NO_CAP));
    }

    @Test
    void htmlEmptyAndUnknownContentIsRefusedWithAClearMessage() {
        assertEquals("the download is an HTML page (an error or challenge page), not the dump",
                assertThrows(SourceException.class, () -> open(Fixtures.bytes("malformed/html-error-saved-as.json.gz"),
                        DumpFormat.AUTO, NO_CAP)).getMessage());
        assertEquals("the gzip data holds an HTML page, not the dump",
                assertThrows(SourceException.class, () -> open(Fixtures.gzip("\n<!DOCTYPE html><p>hi".getBytes(
                        StandardCharsets.US_ASCII)), DumpFormat.AUTO, NO_CAP)).getMessage());
        assertEquals("the download is empty (0 bytes)",
                assertThrows(SourceException.class, () -> open(Fixtures.bytes("malformed/empty-file.json"),
                        DumpFormat.AUTO, NO_CAP)).getMessage());
        byte[] padded = (" ".repeat(5000) + "[]").getBytes(StandardCharsets.US_ASCII);
        assertDoesNotThrow(() -> open(padded, DumpFormat.JSON, NO_CAP).close(), "whitespace before the array is JSON");
        assertEquals("the download is empty (3 bytes)",
                assertThrows(SourceException.class, () -> open(" \r\n".getBytes(StandardCharsets.US_ASCII),
                        DumpFormat.JSON, NO_CAP)).getMessage());
        assertEquals("the bzip2 data holds nothing (empty dump)",
                assertThrows(SourceException.class, () -> open(Fixtures.bzip2(new byte[0]), DumpFormat.AUTO,
                        NO_CAP)).getMessage());
        assertEquals("the download is neither bzip2, gzip nor JSON (it starts with bytes 50 4b 03 04)",
                assertThrows(SourceException.class, () -> open(new byte[] {'P', 'K', 3, 4}, DumpFormat.AUTO,
                        NO_CAP)).getMessage());
    }

    @Test
    void aFormatOtherThanTheConfiguredOneIsRefused() {
        SourceException e = assertThrows(SourceException.class,
                () -> open(Fixtures.bytes("online-valid.json.gz"), DumpFormat.BZIP2, NO_CAP));
        assertEquals("the download is gzip data, but format = bzip2 (starts with bytes 1f 8b 08 00 00 00 00 00)",
                e.getMessage());
        assertThrows(SourceException.class, () -> open(Fixtures.bytes("online-valid.json"), DumpFormat.GZIP, NO_CAP));
    }

    @Test
    void aDecompressionBombStopsAtTheCap() throws Exception {
        long cap = 1 << 20;
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (OutputStream bz = new BZip2CompressorOutputStream(compressed)) {
            bz.write('[');
            byte[] spaces = new byte[1 << 16];
            java.util.Arrays.fill(spaces, (byte) ' ');
            for (int i = 0; i < 64; i++) { // 4 MiB of valid JSON whitespace
                bz.write(spaces);
            }
            bz.write(']');
        }
        assertTrue(compressed.size() < 1024, "a real bomb: " + compressed.size() + " bytes");
        CountingStream body = new CountingStream(new ByteArrayInputStream(compressed.toByteArray()));

        try (DumpStream dump = DumpStream.open(body, DumpFormat.AUTO, cap)) {
            DumpStreamException e = assertThrows(DumpStreamException.class, () -> dump.text().readAllBytes());

            assertEquals(DumpStreamException.Reason.TOO_LARGE, e.reason());
            assertEquals("the dump is larger than 1048576 bytes after decompression (max_decompressed_bytes): "
                    + "refused as a possible decompression bomb", e.getMessage());
            assertEquals(cap + 1, dump.decompressedBytes(), "stopped one byte past the cap, not a buffer later");
        }
        assertTrue(body.closed);
    }

    @Test
    void aPlainJsonDumpIsCappedToo() throws Exception {
        byte[] json = Fixtures.bytes("online-valid.json");
        try (DumpStream dump = open(json, DumpFormat.AUTO, json.length - 1)) {
            assertEquals(DumpStreamException.Reason.TOO_LARGE,
                    assertThrows(DumpStreamException.class, () -> dump.text().readAllBytes()).reason());
        }
        try (DumpStream dump = open(json, DumpFormat.AUTO, json.length)) {
            assertEquals(json.length, dump.text().readAllBytes().length, "exactly the cap is fine");
        }
    }

    @Test
    void aFailingDownloadIsToldApartFromCorruptData() throws Exception {
        byte[] bz = Fixtures.bytes("online-valid.json.bz2");
        InputStream resetAfterHalf = new FilterInputStream(new ByteArrayInputStream(bz)) {
            private int read;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (read >= bz.length / 2) {
                    throw new IOException("Connection reset");
                }
                int n = super.read(b, off, Math.min(len, bz.length / 2 - read));
                read += Math.max(n, 0);
                return n;
            }
        };
        DumpStreamException e = assertThrows(DumpStreamException.class, () -> {
            try (DumpStream dump = DumpStream.open(resetAfterHalf, DumpFormat.AUTO, NO_CAP)) {
                dump.text().readAllBytes();
            }
        });
        assertEquals(DumpStreamException.Reason.DOWNLOAD, e.reason());
        assertEquals("the download failed after " + bz.length / 2 + " bytes (IOException: Connection reset)",
                e.getMessage());
    }

    @Test
    void aBodyIsClosedWhenOpeningFails() {
        CountingStream body = new CountingStream(new ByteArrayInputStream(new byte[] {'<', 'p', '>'}));
        assertThrows(SourceException.class, () -> DumpStream.open(body, DumpFormat.AUTO, NO_CAP));
        assertTrue(body.closed);
        assertFalse(new CountingStream(InputStream.nullInputStream()).closed);
    }

    /** Notes whether it was closed. */
    private static final class CountingStream extends FilterInputStream {
        boolean closed;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public void close() throws IOException {
            closed = true;
            super.close();
        }
    }
}
