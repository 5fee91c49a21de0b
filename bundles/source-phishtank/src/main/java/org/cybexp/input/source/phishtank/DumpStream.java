package org.cybexp.input.source.phishtank;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.cybexp.input.api.SourceException;
import org.cybexp.input.source.text.Utf8Repair;

/**
 * The JSON text of a download, streamed: the body is recognised by its first bytes, decompressed (all
 * concatenated bzip2 streams, all gzip members), capped in size and repaired to valid UTF-8, without ever
 * holding more than a buffer of it. Opening fails with a clear message for an empty body, an HTML page, the
 * rate-limit text, or data that is not what the {@code format} key says.
 */
final class DumpStream implements Closeable {

    private static final int BUFFER = 64 * 1024;

    private final DownloadStream download;
    private final SizeCappedInputStream decompressed;
    private final Utf8Repair text;
    private final DumpFormat format;

    private DumpStream(DownloadStream download, SizeCappedInputStream decompressed, Utf8Repair text,
            DumpFormat format) {
        this.download = download;
        this.decompressed = decompressed;
        this.text = text;
        this.format = format;
    }

    /**
     * Opens the dump in a body. The body is closed by {@link #close()}, or here if opening fails.
     *
     * @param expected the configured format; {@link DumpFormat#AUTO} recognises it
     * @param maxBytes the cap on the decompressed size
     * @throws RateLimitedException if the body is PhishTank's rate-limit text
     * @throws SourceException if the body is empty, HTML, or not in the expected format
     * @throws IOException if reading fails
     */
    static DumpStream open(InputStream body, DumpFormat expected, long maxBytes) throws IOException, SourceException {
        DownloadStream download = new DownloadStream(body);
        try {
            BufferedInputStream raw = new BufferedInputStream(download, BUFFER);
            DumpHead head = DumpHead.peek(raw);
            DumpFormat format = formatOf(head, expected);
            InputStream plain = decompressor(raw, format);
            SizeCappedInputStream capped = new SizeCappedInputStream(plain, maxBytes, format.label());
            InputStream json = capped;
            if (format != DumpFormat.JSON) {
                BufferedInputStream buffered = new BufferedInputStream(capped, BUFFER);
                checkDecompressed(DumpHead.peek(buffered), format);
                json = buffered;
            }
            return new DumpStream(download, capped, Utf8Repair.locating(json), format);
        } catch (IOException | SourceException | RuntimeException e) {
            closeQuietly(download, e);
            throw e;
        }
    }

    /** Decompresses every concatenated stream or member: pbzip2 and some mirrors write several. */
    private static InputStream decompressor(InputStream raw, DumpFormat format) throws IOException {
        try {
            return switch (format) {
                case BZIP2 -> new BZip2CompressorInputStream(raw, true);
                case GZIP -> GzipCompressorInputStream.builder().setInputStream(raw).setDecompressConcatenated(true)
                        .get();
                default -> raw;
            };
        } catch (DumpStreamException e) {
            throw e;
        } catch (IOException e) {
            // the bzip2 reader decodes the first block (up to 900 kB) here already
            throw new DumpStreamException(DumpStreamException.Reason.CORRUPT, "the " + format.label()
                    + " data is truncated or corrupt at its start (" + e.getMessage() + ")", e);
        }
    }

    /** The format the body is in, checked against the configured one. */
    private static DumpFormat formatOf(DumpHead head, DumpFormat expected) throws SourceException {
        DumpFormat found = switch (head.kind()) {
            case EMPTY -> throw new SourceException("the download is empty (" + head.length() + " bytes)");
            case RATE_LIMIT_TEXT -> throw new RateLimitedException();
            case HTML -> throw new SourceException(
                    "the download is an HTML page (an error or challenge page), not the dump");
            case BZIP2 -> DumpFormat.BZIP2;
            case GZIP -> DumpFormat.GZIP;
            case JSON -> DumpFormat.JSON;
            case OTHER -> throw new SourceException("the download is neither bzip2, gzip nor JSON (it starts with "
                    + head.describe() + ")");
        };
        if (expected != DumpFormat.AUTO && expected != found) {
            throw new SourceException("the download is " + found.label() + " data, but format = "
                    + expected.label() + " (starts with " + head.describe() + ")");
        }
        return found;
    }

    /** A compressed body must hold JSON too: an archived error page is still an error. */
    private static void checkDecompressed(DumpHead head, DumpFormat format) throws SourceException {
        switch (head.kind()) {
            case JSON -> {
                // the dump
            }
            case EMPTY -> throw new SourceException("the " + format.label() + " data holds nothing (empty dump)");
            case RATE_LIMIT_TEXT -> throw new RateLimitedException();
            case HTML -> throw new SourceException("the " + format.label() + " data holds an HTML page, not the dump");
            default -> throw new SourceException("the " + format.label() + " data holds no JSON (it starts with "
                    + head.describe() + ")");
        }
    }

    private static void closeQuietly(Closeable resource, Throwable failure) {
        try {
            resource.close();
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    /** The JSON text, valid UTF-8; ask it which records held repaired bytes. */
    Utf8Repair text() {
        return text;
    }

    /** The container format found. */
    DumpFormat format() {
        return format;
    }

    /** Bytes downloaded so far. */
    long downloadedBytes() {
        return download.bytesRead();
    }

    /** Bytes of JSON text decompressed so far. */
    long decompressedBytes() {
        return decompressed.count();
    }

    @Override
    public void close() throws IOException {
        text.close();
    }
}
