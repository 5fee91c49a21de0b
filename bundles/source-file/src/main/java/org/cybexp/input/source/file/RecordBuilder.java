package org.cybexp.input.source.file;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Pattern;

import org.cybexp.input.source.file.FilePlugin.Format;
import org.cybexp.input.source.file.LineText.Repaired;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;

/**
 * Collects one file's lines (or multiline entries) into records: a record is {@code lines_per_record} of them,
 * each ending in {@code \n}, or fewer once the first is {@code record_seconds} old. It knows the file offset up to
 * which every line is posted or skipped: the only offset that may be committed.
 */
final class RecordBuilder implements LineSplitter.Lines {

    /** Where a finished record goes. */
    interface Poster {
        void post(byte[] body, int length, String mediaType);

        void malformed(String reason, byte[] sample);
    }

    static final String TEXT = "text/plain";
    static final String NDJSON = "application/x-ndjson";
    private static final JsonFactory JSON = new JsonFactory();

    private final FileSettings settings;
    private final LineText text;
    private final FileCounters counters;
    private final Poster poster;
    private final Pattern entryStart;

    private byte[] body = new byte[64 * 1024];
    private int bodyLength;
    private int count;
    private long firstMillis;
    /** The end of the last line in the batch or skipped. */
    private long batchEnd;
    /** Everything before it is posted (or skipped): the committable offset. */
    private long postedEnd;

    private byte[] entry = new byte[1024];
    private int entryLength;
    private boolean entryOpen;
    private long entryEnd;
    private long entryLastMillis;

    private long now;

    RecordBuilder(FileSettings settings, LineText text, FileCounters counters, Poster poster, long offset) {
        this.settings = settings;
        this.text = text;
        this.counters = counters;
        this.poster = poster;
        this.entryStart = settings.multilineStart().orElse(null);
        this.batchEnd = offset;
        this.postedEnd = offset;
    }

    /** The time the next lines arrive at (set before feeding, so one read needs one clock call). */
    void now(long millis) {
        now = millis;
    }

    @Override
    public void line(byte[] data, int off, int len, long end, boolean cut) {
        counters.lines++;
        if (cut) {
            counters.linesCut++;
        }
        Repaired line = text.utf8(data, off, len);
        counters.replacedSequences += line.replacements();
        switch (settings.format()) {
            case LINES -> add(line.bytes(), line.off(), line.len(), end);
            case NDJSON -> ndjson(line, end);
            case MULTILINE -> multiline(line, end);
            default -> throw new IllegalStateException(settings.format().toString());
        }
    }

    private void ndjson(Repaired line, long end) {
        if (blank(line)) {
            skipped(end);
        } else if (json(line)) {
            add(line.bytes(), line.off(), line.len(), end);
        } else {
            counters.malformed++;
            poster.malformed("a line of a file is not JSON", Arrays.copyOfRange(line.bytes(), line.off(),
                    line.off() + Math.min(line.len(), 200)));
            skipped(end);
        }
    }

    private static boolean blank(Repaired line) {
        for (int i = line.off(); i < line.off() + line.len(); i++) {
            byte b = line.bytes()[i];
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    /** One JSON value, nothing after it. */
    private static boolean json(Repaired line) {
        try (JsonParser parser = JSON.createParser(line.bytes(), line.off(), line.len())) {
            if (parser.nextToken() == null) {
                return false;
            }
            parser.skipChildren();
            return parser.nextToken() == null;
        } catch (IOException e) {
            return false;
        }
    }

    private void multiline(Repaired line, long end) {
        boolean starts = entryStart.matcher(new String(line.bytes(), line.off(), line.len(),
                StandardCharsets.UTF_8)).find();
        if (starts || !entryOpen) {
            closeEntry();
            entryOpen = true;
            entryLength = 0;
        }
        entry = ensure(entry, entryLength + line.len() + 1);
        System.arraycopy(line.bytes(), line.off(), entry, entryLength, line.len());
        entryLength += line.len();
        entry[entryLength++] = '\n';
        entryEnd = end;
        entryLastMillis = now;
    }

    private void closeEntry() {
        if (entryOpen) {
            entryOpen = false;
            add(entry, 0, entryLength - 1, entryEnd); // without its last \n: add() writes one
        }
    }

    private void skipped(long end) {
        batchEnd = end;
        if (count == 0) {
            postedEnd = end;
        }
    }

    private void add(byte[] data, int off, int len, long end) {
        body = ensure(body, bodyLength + len + 1);
        System.arraycopy(data, off, body, bodyLength, len);
        bodyLength += len;
        body[bodyLength++] = '\n';
        if (count++ == 0) {
            firstMillis = now;
        }
        batchEnd = end;
        if (count >= settings.linesPerRecord() || bodyLength >= FileSettings.MAX_RECORD_BYTES) {
            post();
        }
    }

    private static byte[] ensure(byte[] buffer, int size) {
        return size <= buffer.length ? buffer : Arrays.copyOf(buffer, Math.max(size, buffer.length * 2));
    }

    private void post() {
        if (count > 0) {
            poster.post(body, bodyLength, settings.format() == Format.NDJSON ? NDJSON : TEXT);
            counters.records++;
            counters.bytes += bodyLength;
            if (body.length > 1024 * 1024) {
                body = new byte[64 * 1024]; // a record of long lines does not keep its buffer for good
            }
        }
        bodyLength = 0;
        count = 0;
        postedEnd = batchEnd;
    }

    /** Posts a batch that waited long enough, closes a multiline entry that waited long enough. */
    void tick(long millis) {
        now = millis;
        if (entryOpen && millis - entryLastMillis >= settings.multilineTimeout().toMillis()) {
            closeEntry();
        }
        if (count > 0 && millis - firstMillis >= settings.recordAge().toMillis()) {
            post();
        }
    }

    /** Posts everything collected (a graceful stop, a file released for good). */
    void flush() {
        closeEntry();
        post();
    }

    /** The file offset up to which every line is posted or skipped. */
    long postedEnd() {
        return postedEnd;
    }

    /** Whether lines wait in the batch or an open entry. */
    boolean pending() {
        return count > 0 || entryOpen;
    }
}
