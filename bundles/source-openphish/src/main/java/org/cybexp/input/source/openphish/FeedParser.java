package org.cybexp.input.source.openphish;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import org.cybexp.input.api.SourceException;

/**
 * Reads an OpenPhish {@code feed.txt} (one URL per line) from a stream, line by line with bounded memory per
 * line. Blank lines are ignored, surrounding whitespace trimmed, duplicates collapsed; lines that are too long,
 * not UTF-8 or not http(s) URLs are reported to the {@link Listener} and skipped. Pure: no I/O besides the
 * stream it is given, no state between calls.
 */
final class FeedParser {

    static final int MAX_LINE_BYTES = 8 * 1024;
    /** The community feed holds a few hundred URLs; far more means a wrong URL, and would only fill the heap. */
    static final int MAX_URLS = 200_000;
    static final String HTML_PAGE = "the feed returned an HTML page, not a URL list";

    private static final int SAMPLE_BYTES = 120;
    private static final byte[] UTF8_BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    private static final String[] HTML_STARTS = {"<!doctype", "<html"};

    /** Hears about skipped lines and may end the read early. */
    interface Listener {

        /** A line was skipped; {@code sample} holds its first bytes. */
        void malformed(String reason, byte[] sample);

        /** Asked before each line: true ends the read at once, with an incomplete result. */
        default boolean stopNow() {
            return false;
        }
    }

    /**
     * The outcome of one read.
     *
     * @param urls the distinct URLs in feed order
     * @param malformed the number of skipped lines
     * @param duplicates the number of lines repeating an earlier URL
     * @param complete false when the listener stopped the read before the end of the stream
     */
    record Feed(List<String> urls, int malformed, int duplicates, boolean complete) {
    }

    /**
     * The URLs of a feed are held as a set and then posted as one body, a few copies of the feed in all; other
     * inputs share the heap: a sixteenth of it, at least 1 MiB, by default.
     */
    static long defaultMaxFeedBytes() {
        return Math.max(1L << 20, Runtime.getRuntime().maxMemory() / 16);
    }

    private final int maxLineBytes;
    private final int maxUrls;
    private final long maxFeedBytes;

    FeedParser() {
        this(MAX_LINE_BYTES, MAX_URLS, defaultMaxFeedBytes());
    }

    FeedParser(long maxFeedBytes) {
        this(MAX_LINE_BYTES, MAX_URLS, maxFeedBytes);
    }

    FeedParser(int maxLineBytes, int maxUrls) {
        this(maxLineBytes, maxUrls, defaultMaxFeedBytes());
    }

    FeedParser(int maxLineBytes, int maxUrls, long maxFeedBytes) {
        this.maxLineBytes = maxLineBytes;
        this.maxUrls = maxUrls;
        this.maxFeedBytes = maxFeedBytes;
    }

    /**
     * Reads the whole stream (without closing it) unless the listener stops it.
     *
     * @throws SourceException if the content is an HTML page, holds more than the allowed number of URLs, or is
     *         larger than max_feed_bytes (reading stops there: nothing of such a feed is posted)
     * @throws IOException if reading fails
     */
    Feed parse(InputStream in, Listener listener) throws IOException, SourceException {
        BoundedLineReader lines = new BoundedLineReader(in, maxLineBytes, maxFeedBytes);
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        Set<String> urls = new LinkedHashSet<>();
        int malformed = 0;
        int duplicates = 0;
        boolean contentSeen = false;
        while (true) {
            if (listener.stopNow()) {
                return new Feed(List.copyOf(urls), malformed, duplicates, false);
            }
            boolean more = lines.next();
            if (lines.overLimit()) {
                throw new SourceException("the feed is larger than max_feed_bytes (" + maxFeedBytes + " bytes; "
                        + urls.size() + " URLs read by then): nothing posted. Is the url right? If so, raise "
                        + "max_feed_bytes, and the heap with it");
            }
            if (!more) {
                return new Feed(List.copyOf(urls), malformed, duplicates, true);
            }
            if (!contentSeen) {
                int start = contentStart(lines);
                if (start == lines.length() && !lines.tooLong()) {
                    continue;
                }
                if (startsLikeHtml(lines, start)) {
                    throw new SourceException(HTML_PAGE);
                }
                contentSeen = true;
            }
            String text = lines.tooLong() ? null : decode(lines, utf8);
            Optional<String> problem = problem(lines, text);
            if (problem.isPresent()) {
                malformed++;
                listener.malformed("line " + lines.number() + ": " + problem.get(), lines.sample(SAMPLE_BYTES));
            } else if (text.isEmpty()) {
                continue;
            } else if (!urls.add(text)) {
                duplicates++;
            } else if (urls.size() > maxUrls) {
                throw new SourceException("the feed holds more than " + maxUrls + " URLs: is the url right?");
            }
        }
    }

    /** Why the current line is skipped; empty for a URL or a blank line. */
    private Optional<String> problem(BoundedLineReader lines, String text) {
        if (lines.tooLong()) {
            return Optional.of("longer than " + maxLineBytes + " bytes");
        }
        if (text == null) {
            return Optional.of("not valid UTF-8");
        }
        return text.isEmpty() ? Optional.empty() : FeedUrlSyntax.problem(text);
    }

    /** The trimmed line, without a leading byte order mark; null if it is not UTF-8. */
    private static String decode(BoundedLineReader lines, CharsetDecoder utf8) {
        int offset = hasBom(lines) ? UTF8_BOM.length : 0;
        try {
            utf8.reset();
            return utf8.decode(ByteBuffer.wrap(lines.buffer(), offset, lines.length() - offset)).toString().strip();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** Whether the line starts with a UTF-8 byte order mark (some servers write one at the start of a file). */
    private static boolean hasBom(BoundedLineReader lines) {
        byte[] line = lines.buffer();
        return lines.number() == 1 && lines.length() >= UTF8_BOM.length && line[0] == UTF8_BOM[0]
                && line[1] == UTF8_BOM[1] && line[2] == UTF8_BOM[2];
    }

    /** The index of the first byte after a byte order mark and ASCII whitespace; the length if none. */
    private static int contentStart(BoundedLineReader lines) {
        byte[] line = lines.buffer();
        int i = hasBom(lines) ? UTF8_BOM.length : 0;
        while (i < lines.length() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\f' || line[i] == 0x0B)) {
            i++;
        }
        return i;
    }

    /**
     * Whether the first non-blank bytes start an HTML page (error pages, login walls, captchas). Checked on the
     * bytes, so that a minified page on one line longer than the limit is still recognised.
     */
    private static boolean startsLikeHtml(BoundedLineReader lines, int start) {
        String head = new String(lines.buffer(), start, Math.min(16, lines.length() - start),
                StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
        for (String html : HTML_STARTS) {
            if (head.startsWith(html)) {
                return true;
            }
        }
        return false;
    }
}
