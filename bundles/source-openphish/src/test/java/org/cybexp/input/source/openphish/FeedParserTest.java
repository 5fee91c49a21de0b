package org.cybexp.input.source.openphish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.cybexp.input.api.SourceException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FeedParserTest {

    private final List<String> reasons = new ArrayList<>();
    private final List<byte[]> samples = new ArrayList<>();
    private final FeedParser.Listener listener = (reason, sample) -> {
        reasons.add(reason);
        samples.add(sample);
    };

    private FeedParser.Feed parse(byte[] content) throws IOException, SourceException {
        return new FeedParser().parse(new ByteArrayInputStream(content), listener);
    }

    private FeedParser.Feed parse(String content) throws IOException, SourceException {
        return parse(content.getBytes(StandardCharsets.UTF_8));
    }

    private FeedParser.Feed parseFixture(String name) throws IOException, SourceException {
        return parse(Fixtures.bytes(name));
    }

    @Test
    void readsEveryUrlOfTheFeedInOrder() throws Exception {
        FeedParser.Feed feed = parseFixture("feed.txt");

        assertEquals(Fixtures.lines("feed.txt"), feed.urls());
        assertEquals(50, feed.urls().size());
        assertEquals(0, feed.malformed());
        assertEquals(0, feed.duplicates());
        assertTrue(feed.complete());
        assertEquals(List.of(), reasons);
    }

    @Test
    void crlfLineEndsGiveTheSameUrls() throws Exception {
        assertEquals(parseFixture("feed.txt"), parseFixture("malformed/crlf.txt"));
    }

    @Test
    void aMissingFinalNewlineLosesNothing() throws Exception {
        assertEquals(parseFixture("feed.txt"), parseFixture("malformed/no-trailing-newline.txt"));
    }

    @Test
    void blankLinesAreIgnoredWhitespaceTrimmedDuplicatesCollapsedAndJunkReported() throws Exception {
        FeedParser.Feed feed = parseFixture("malformed/blank-dup-junk.txt");

        assertEquals(5, feed.urls().size());
        assertEquals("https://phish-secure-paypal.example/~paypal/confirm/b7fd608b1f.html#e350", feed.urls().get(0));
        assertEquals(1, feed.duplicates());
        assertEquals(2, feed.malformed());
        assertEquals(List.of("line 6: not an http or https URL", "line 7: not an http or https URL"), reasons);
        assertEquals("# not a url", new String(samples.get(0), StandardCharsets.UTF_8));
    }

    @Test
    void anEmptyFeedHasNoUrlsAndNoErrors() throws Exception {
        FeedParser.Feed feed = parseFixture("malformed/empty.txt");

        assertEquals(new FeedParser.Feed(List.of(), 0, 0, true), feed);
    }

    @Test
    void aLineWithInvalidUtf8IsSkipped() throws Exception {
        FeedParser.Feed feed = parseFixture("malformed/invalid-utf8.txt");

        assertEquals(6, feed.urls().size());
        assertEquals(List.of("line 4: not valid UTF-8"), reasons);
        assertFalse(feed.urls().stream().anyMatch(url -> url.contains("bad-")));
    }

    @Test
    void aVeryLongLineIsSkippedWithAShortSample() throws Exception {
        FeedParser.Feed feed = parseFixture("malformed/very-long-line.txt");

        assertEquals(3, feed.urls().size());
        assertEquals(List.of("line 1: longer than 8192 bytes"), reasons);
        assertTrue(samples.get(0).length <= 120, "sample of " + samples.get(0).length + " bytes");
    }

    @Test
    void aHugeLineIsStreamedNotBuffered() throws Exception {
        long size = 64L * 1024 * 1024; // 128 MiB as a String: reading it whole would show in time and heap
        InputStream huge = new SequenceInputStream(new RepeatedByteStream('a', size),
                new ByteArrayInputStream("\nhttps://after.example/x\n".getBytes(StandardCharsets.US_ASCII)));

        FeedParser.Feed feed = new FeedParser().parse(huge, listener);

        assertEquals(List.of("https://after.example/x"), feed.urls());
        assertEquals(1, feed.malformed());
    }

    @Test
    void aFeedCutMidLineKeepsTheLinesBeforeTheCut() throws Exception {
        List<String> full = Fixtures.lines("feed.txt");

        FeedParser.Feed feed = parseFixture("malformed/truncated-mid-line.txt");

        // The cut-off last line still looks like a URL: only the transport can tell the body was cut short
        // (see OpenPhishInputTest#aBodyCutShortFailsTheFetchAndEmitsNothing).
        assertEquals(35, feed.urls().size());
        assertEquals(full.subList(0, 34), feed.urls().subList(0, 34));
        assertTrue(full.get(34).startsWith(feed.urls().get(34)));
        assertEquals(0, feed.malformed());
    }

    @Test
    void anHtmlPageIsRefused() {
        SourceException refused = assertThrows(SourceException.class,
                () -> parseFixture("malformed/html-instead.txt"));

        assertEquals(FeedParser.HTML_PAGE, refused.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"<!DOCTYPE html>\n<html></html>\n", "\n  \n\t<!doctype HTML>\n", "<HTML lang=en>\n",
            "\uFEFF<html>\n", "   <Html><body>https://not.a.feed.example/</body></Html>"})
    void htmlIsRecognisedAtTheFirstNonBlankBytes(String page) {
        assertThrows(SourceException.class, () -> parse(page));
    }

    @Test
    void aMinifiedPageLongerThanTheLineLimitIsStillHtml() {
        String page = "<!DOCTYPE html><html><body>" + "x".repeat(20_000) + "</body></html>";

        assertThrows(SourceException.class, () -> parse(page));
    }

    @Test
    void htmlAfterTheFirstUrlIsOnlyAMalformedLine() throws Exception {
        FeedParser.Feed feed = parse("https://a.example/\n<html>\n");

        assertEquals(List.of("https://a.example/"), feed.urls());
        assertEquals(1, feed.malformed());
    }

    @Test
    void aByteOrderMarkBeforeTheFirstUrlIsDropped() throws Exception {
        assertEquals(List.of("https://a.example/", "https://b.example/"),
                parse("\uFEFFhttps://a.example/\r\nhttps://b.example/").urls());
    }

    @Test
    void theLineLimitCountsContentBytesNotTheLineEnd() throws Exception {
        String atLimit = "https://a.example/" + "p".repeat(22);   // 40 bytes
        String overLimit = atLimit + "q";
        FeedParser small = new FeedParser(40, 100);

        FeedParser.Feed feed = small.parse(new ByteArrayInputStream(
                (atLimit + "\r\n" + overLimit + "\n" + atLimit + "\n").getBytes(StandardCharsets.US_ASCII)), listener);

        assertEquals(List.of(atLimit), feed.urls());
        assertEquals(1, feed.duplicates());
        assertEquals(List.of("line 2: longer than 40 bytes"), reasons);
    }

    @Test
    void tooManyUrlsIsAnError() {
        FeedParser small = new FeedParser(FeedParser.MAX_LINE_BYTES, 3);
        byte[] four = "https://a.example/1\nhttps://a.example/2\nhttps://a.example/3\nhttps://a.example/4\n"
                .getBytes(StandardCharsets.US_ASCII);

        SourceException refused = assertThrows(SourceException.class,
                () -> small.parse(new ByteArrayInputStream(four), listener));

        assertTrue(refused.getMessage().contains("more than 3 URLs"), refused.getMessage());
    }

    @Test
    void anImmediateStopEndsTheReadEarly() throws Exception {
        int[] asked = {0};
        FeedParser.Listener stopsAfterFive = new FeedParser.Listener() {
            @Override
            public void malformed(String reason, byte[] sample) {
                reasons.add(reason);
            }

            @Override
            public boolean stopNow() {
                return ++asked[0] > 5;
            }
        };

        FeedParser.Feed feed = new FeedParser().parse(new ByteArrayInputStream(Fixtures.bytes("feed.txt")),
                stopsAfterFive);

        assertFalse(feed.complete());
        assertEquals(Fixtures.lines("feed.txt").subList(0, 5), feed.urls());
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://a.example", "HTTPS://A.EXAMPLE/x", "https://user:pw@host.example:8443/p?q#f",
            "http://[2001:db8::1]:80/", "http://192.0.2.7/", "https://bad.example/a|b{c}^", "http://host.example:/x",
            "https://b\u00fccher.example/\u00e4"})
    void acceptsAbsoluteHttpUrlsWithAHost(String url) {
        assertTrue(FeedUrlSyntax.problem(url).isEmpty(), () -> url + ": " + FeedUrlSyntax.problem(url));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://host.example/x", "//host.example/x", "host.example/x", "mailto:a@b.example",
            "http://", "https:///path", "http://host.example:80a/", "http://user@/x", "https://a b.example/",
            "http://[::1/", "javascript:alert(1)"})
    void rejectsEverythingElse(String url) {
        assertTrue(FeedUrlSyntax.problem(url).isPresent(), url);
    }

    /** {@code size} copies of one byte, generated on the fly. */
    private static final class RepeatedByteStream extends InputStream {
        private final int value;
        private long left;

        RepeatedByteStream(int value, long size) {
            this.value = value;
            this.left = size;
        }

        @Override
        public int read() {
            return left-- > 0 ? value : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left <= 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            Arrays.fill(b, off, off + n, (byte) value);
            left -= n;
            return n;
        }
    }

    @Test
    void aFeedOfTwoHundredMegabytesStopsAtMaxFeedBytesWithoutReadingTheRest() {
        // issue 20: 25,000 distinct URLs of 8 KB each, generated as they are read
        long[] served = new long[1];
        InputStream feed = new InputStream() {
            private final byte[] line = new byte[FeedParser.MAX_LINE_BYTES];
            private int url;
            private int pos = line.length;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (pos == line.length) {
                    if (url == 25_000) {
                        return -1;
                    }
                    byte[] head = String.format("https://phish%05d.example/", url++)
                            .getBytes(StandardCharsets.US_ASCII);
                    Arrays.fill(line, (byte) 'a');
                    System.arraycopy(head, 0, line, 0, head.length);
                    line[line.length - 1] = '\n';
                    pos = 0;
                }
                int n = Math.min(len, line.length - pos);
                System.arraycopy(line, pos, b, off, n);
                pos += n;
                served[0] += n;
                return n;
            }
        };

        SourceException refused = assertThrows(SourceException.class,
                () -> new FeedParser(16L << 20).parse(feed, listener));

        assertTrue(refused.getMessage().startsWith("the feed is larger than max_feed_bytes (16777216 bytes; 2048 URLs "
                + "read by then): nothing posted."), refused.getMessage());
        assertTrue(served[0] <= (16L << 20) + 8192, "stopped reading at the cap: " + served[0]);
    }

    @Test
    void realFeedsFitTheDefaultCap() throws Exception {
        for (String name : List.of("real/phishfind_openphish_first2100.txt", "real/phishunt_feed.txt")) {
            FeedParser.Feed real = parse(Fixtures.bytes(name));
            assertTrue(real.complete() && real.urls().size() > 500, name + ": " + real.urls().size());
        }
    }
}
