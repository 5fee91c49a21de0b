package org.cybexp.input.delivery.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import org.cybexp.input.core.files.DurableFiles;
import org.cybexp.input.delivery.store.EventFile.CorruptEventException;

/**
 * An input's outbox as an append-only log of segment files ({@code data/outbox/<input>/<first seq>.seg}) and an
 * {@code ack} file. An append writes all records of a batch, and the core's commit record after them, with one
 * write; the batch and the dedup keys and cursor that go with it become durable in the same fsync, which appends
 * waiting at the same time share ({@link GroupCommit}). Every record is framed and checksummed ({@link SegmentRecord}); at opening a torn or damaged
 * tail is cut off, reported and kept in {@code corrupt/}, and the intact records before it are delivered.
 * Delivery takes events oldest first, several at a time (a window of posts in flight); {@link #remove}
 * acknowledges any of them, in any order ({@link AckFile} keeps the out-of-order ones durably), and a segment
 * is deleted once every event in it is acknowledged.
 *
 * <p>An event whose body is a file ({@link EventRecord#inFile}) is not copied into a segment: the file is moved
 * into {@code blobs/} ({@link OutboxBlobs}) and made durable first, then a record naming it is appended; the
 * blob is deleted when its event is acknowledged, and blobs no waiting record names are deleted at opening.
 */
public final class SegmentOutbox implements Outbox {

    /** A segment is closed for appends once this big. */
    public static final long DEFAULT_SEGMENT_BYTES = 16L * 1024 * 1024;
    /** A fully delivered segment this big is replaced by a new one at the next append, to give the disk back. */
    private static final long RECYCLE_BYTES = 1024L * 1024;
    private static final long ACK_SYNC_MILLIS = 1000;
    private static final Pattern SEGMENT = Pattern.compile("\\d{20}\\.seg");

    private final Path dir;
    private final long segmentBytes;
    private final Consumer<String> report;
    private final EventFile format = new EventFile();
    private final OutboxBlobs blobs;
    private final AckFile ack;
    private final GroupCommit commits;
    private final Object appendLock = new Object();

    // guarded by this
    private final Deque<SegmentFile> segments;
    private SegmentFile readSegment;
    private long readOffset;
    /** Events {@link #next} handed out and not yet removed, by seq: their payload sizes. */
    private final NavigableMap<Long, Long> inFlight = new TreeMap<>();
    /** The blobs of the events handed out, by seq: deleted when the event is acknowledged. */
    private final Map<Long, Path> inFlightBlobs = new HashMap<>();
    /** The highest event seq the read cursor has passed (handed out, or found acknowledged). */
    private long passedSeq;
    /** Appends written but not yet durable and counted: a segment they are in is not given back. */
    private int appending;
    /** The seq of the newest commit record counted, so a late-counted older append cannot replace it. */
    private long lastCommitSeq = Long.MIN_VALUE;
    private long depth;
    private long bytes;
    private byte[] lastCommit;
    /** Damaged ranges already reported and kept aside, by segment: start offset to where reading goes on. */
    private final Map<SegmentFile, Map<Long, Long>> damaged = new HashMap<>();
    // guarded by appendLock
    private long nextSeq;

    private SegmentOutbox(Path dir, long segmentBytes, Consumer<String> report, AckFile ack, GroupCommit commits,
            Deque<SegmentFile> segments) {
        this.dir = dir;
        this.blobs = new OutboxBlobs(dir.resolve("blobs"));
        this.segmentBytes = segmentBytes;
        this.report = report;
        this.ack = ack;
        this.commits = commits;
        this.segments = segments;
    }

    /**
     * Opens (or creates) an outbox folder, checks every segment and finds the oldest event not yet delivered.
     *
     * @param firstSeq the lowest sequence number for new events: a time-based value keeps numbers growing even
     *        when the folder is new, so dead letters and archive files of an earlier run are never overwritten
     * @param report told, in words, about damage found and what was done with it
     */
    public static SegmentOutbox open(Path dir, long firstSeq, Consumer<String> report) throws IOException {
        return open(dir, firstSeq, new GroupCommit(), report);
    }

    /** @param commits shares fsyncs with the other outboxes opened with it */
    public static SegmentOutbox open(Path dir, long firstSeq, GroupCommit commits, Consumer<String> report)
            throws IOException {
        return open(dir, firstSeq, DEFAULT_SEGMENT_BYTES, AckFile.DEFAULT_ENTRIES, commits, report);
    }

    static SegmentOutbox open(Path dir, long firstSeq, long segmentBytes, Consumer<String> report)
            throws IOException {
        return open(dir, firstSeq, segmentBytes, AckFile.DEFAULT_ENTRIES, new GroupCommit(), report);
    }

    /** @param ackEntries how many acknowledgements out of order the ack file holds */
    static SegmentOutbox open(Path dir, long firstSeq, long segmentBytes, int ackEntries, GroupCommit commits,
            Consumer<String> report) throws IOException {
        Files.createDirectories(dir);
        SegmentOutbox outbox = new SegmentOutbox(dir, segmentBytes, report,
                AckFile.open(dir.resolve("ack"), ACK_SYNC_MILLIS, ackEntries), commits, new ArrayDeque<>());
        try {
            long lastSeq = outbox.recover();
            outbox.nextSeq = Math.max(firstSeq, lastSeq + 1);
        } catch (IOException | RuntimeException e) {
            outbox.close();
            throw e;
        }
        return outbox;
    }

    /** Scans every segment in order; @return the highest event seq found, or -1 */
    private synchronized long recover() throws IOException {
        long acked = ack.watermark();
        long lastSeq = acked;
        passedSeq = acked;
        List<Path> files = segmentFiles();
        Set<String> named = new HashSet<>();
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            SegmentFile segment = SegmentFile.open(file, Long.parseLong(file.getFileName().toString()
                    .substring(0, 20)));
            segments.addLast(segment);
            boolean newest = i == files.size() - 1;
            long offset = 0;
            while (offset < segment.durableEnd()) {
                SegmentFile.Read read = segment.read(offset);
                if (read == null) {
                    offset = skipDamage(segment, offset, newest);
                    continue;
                }
                SegmentRecord record = read.record();
                if (record.type == SegmentRecord.COMMIT) {
                    lastCommit = record.payload;
                } else {
                    lastSeq = Math.max(lastSeq, record.seq);
                    if (!ack.acked(record.seq)) {
                        depth++;
                        bytes += accounted(record);
                        if (record.type == SegmentRecord.BLOB) {
                            named.add(blobName(record));
                        }
                        if (readSegment == null) {
                            readSegment = segment;
                            readOffset = offset;
                        }
                    }
                }
                offset = read.next();
            }
        }
        if (readSegment == null && !segments.isEmpty()) {
            readSegment = segments.peekLast();
            readOffset = readSegment.durableEnd();
        }
        deleteDelivered();
        blobs.keepOnly(named);
        return lastSeq;
    }

    /**
     * Damage at {@code offset}: keeps the bad bytes in {@code corrupt/} and reports them. A damaged tail of the
     * newest segment (a torn write) is cut off so appends go on after the intact records.
     *
     * @return where reading goes on
     */
    private long skipDamage(SegmentFile segment, long offset, boolean newest) throws IOException {
        long next = segment.resync(offset);
        Path kept = quarantine(segment, offset, next);
        boolean tail = next >= segment.durableEnd();
        if (tail && newest) {
            segment.truncate(offset);
        } else {
            damaged.computeIfAbsent(segment, s -> new HashMap<>()).put(offset, next);
        }
        report.accept((tail ? "torn or damaged tail" : "damaged records") + " in outbox segment "
                + segment.path.getFileName() + ": " + (next - offset) + " bytes at offset " + offset
                + (tail ? " cut off" : " skipped") + " (kept in " + kept + "); the intact records are delivered");
        return next;
    }

    private Path quarantine(SegmentFile segment, long from, long to) throws IOException {
        Path target = dir.resolve("corrupt").resolve(segment.path.getFileName() + "@" + from);
        DurableFiles.write(target, segment.bytes(from, to));
        return target;
    }

    @Override
    public void append(List<EventRecord> records) throws IOException {
        append(records, null);
    }

    @Override
    public void append(List<EventRecord> records, byte[] commit) throws IOException {
        if (records.isEmpty() && commit == null) {
            return;
        }
        List<EventRecord> adopted = adoptFiles(records);
        try {
            appendAdopted(adopted, commit);
        } catch (IOException | RuntimeException e) {
            for (int i = 0; i < records.size(); i++) {
                if (records.get(i).inFile()) {
                    blobs.giveBack(adopted.get(i).file(), records.get(i).file());
                }
            }
            throw e;
        }
    }

    /**
     * Moves the file bodies into the blob folder, durably, before any record names them (outside the append
     * lock: a copy from another file system takes a while).
     */
    private List<EventRecord> adoptFiles(List<EventRecord> records) throws IOException {
        List<EventRecord> adopted = new ArrayList<>(records.size());
        try {
            for (EventRecord record : records) {
                adopted.add(record.inFile() ? record.movedTo(blobs.adopt(record.file())) : record);
            }
        } catch (IOException | RuntimeException e) {
            for (int i = 0; i < adopted.size(); i++) {
                if (records.get(i).inFile()) {
                    blobs.giveBack(adopted.get(i).file(), records.get(i).file());
                }
            }
            throw e;
        }
        return adopted;
    }

    private void appendAdopted(List<EventRecord> records, byte[] commit) throws IOException {
        SegmentFile target;
        SegmentFile.Written written;
        long commitSeq;
        long payloadBytes = 0;
        synchronized (appendLock) {
            List<SegmentRecord> framed = new ArrayList<>(records.size() + 1);
            long seq = nextSeq;
            int size = 0;
            for (EventRecord record : records) {
                SegmentRecord event = record.inFile()
                        ? new SegmentRecord(SegmentRecord.BLOB, seq++, format.encodeReference(record))
                        : new SegmentRecord(SegmentRecord.EVENT, seq++, payload(record));
                framed.add(event);
                size += event.size();
                payloadBytes += event.payload.length + (record.inFile() ? record.header().length() : 0);
            }
            commitSeq = seq - 1;
            if (commit != null) {
                SegmentRecord marker = new SegmentRecord(SegmentRecord.COMMIT, commitSeq, commit);
                framed.add(marker);
                size += marker.size();
            }
            ByteBuffer buffer = ByteBuffer.allocate(size);
            framed.forEach(r -> r.writeTo(buffer));
            buffer.flip();
            target = segmentFor(size);
            written = target.write(buffer);
            nextSeq = seq;
            synchronized (this) {
                appending++;
            }
        }
        try {
            commits.await(target, written); // outside the append lock: the next appends write meanwhile
        } catch (IOException e) {
            synchronized (this) {
                appending--;
            }
            throw e;
        }
        synchronized (this) {
            appending--;
            depth += records.size();
            bytes += payloadBytes;
            if (commit != null && commitSeq > lastCommitSeq) {
                lastCommit = commit.clone();
                lastCommitSeq = commitSeq;
            }
        }
    }

    /** The newest segment if it has room, else a new one (and fully delivered old ones go). */
    private SegmentFile segmentFor(int size) throws IOException {
        SegmentFile newest;
        boolean delivered;
        synchronized (this) {
            newest = segments.peekLast();
            delivered = allDelivered();
        }
        long written = newest == null ? 0 : newest.writtenEnd();
        if (newest != null && written + size <= segmentBytes && !(delivered && written >= RECYCLE_BYTES)) {
            return newest;
        }
        if (newest != null && written == 0) {
            return newest; // one batch bigger than a segment still goes somewhere
        }
        if (newest != null) {
            // the reader moves on to a newer segment only past the end of the older one: make all of it durable
            commits.await(newest, new SegmentFile.Written(written, newest.generation()));
        }
        Path file = dir.resolve(String.format("%020d.seg", nextSeq));
        SegmentFile created = SegmentFile.open(file, nextSeq);
        DurableFiles.syncDirectory(dir);
        synchronized (this) {
            segments.addLast(created);
            if (readSegment == null || (allDelivered() && readOffset >= readSegment.durableEnd())) {
                readSegment = created;
                readOffset = 0;
            }
            deleteDelivered();
        }
        return created;
    }

    @Override
    public synchronized Optional<StoredEvent> next() throws IOException {
        if (ack.room() <= inFlight.size()) {
            return Optional.empty(); // each event out must find room for its acknowledgement, in whatever order
        }
        while (readSegment != null) {
            if (readOffset >= readSegment.durableEnd()) {
                SegmentFile later = after(readSegment);
                if (later == null) {
                    return Optional.empty();
                }
                readSegment = later;
                readOffset = 0;
                deleteDelivered();
                continue;
            }
            Long known = damaged.getOrDefault(readSegment, Map.of()).get(readOffset);
            if (known != null) {
                readOffset = known;
                continue;
            }
            SegmentFile.Read read = readSegment.read(readOffset);
            if (read == null) {
                readOffset = skipDamage(readSegment, readOffset, false);
                continue;
            }
            SegmentRecord record = read.record();
            readOffset = read.next();
            if (record.type == SegmentRecord.COMMIT) {
                continue;
            }
            passedSeq = Math.max(passedSeq, record.seq);
            if (ack.acked(record.seq)) {
                continue; // delivered out of order before a restart
            }
            inFlight.put(record.seq, accounted(record));
            try {
                if (record.type == SegmentRecord.BLOB) {
                    EventRecord event = format.decodeReference(record.payload, blobs.dir);
                    inFlightBlobs.put(record.seq, event.file());
                    return Optional.of(new StoredEvent(record.seq, event));
                }
                return Optional.of(new StoredEvent(record.seq, format.decodeFramed(record.payload)));
            } catch (CorruptEventException e) {
                // the frame is intact but its content is not an event: written so by a bug, keep it aside
                Path kept = quarantine(readSegment, read.next() - record.size(), read.next());
                report.accept("unreadable event " + record.seq + " in outbox segment "
                        + readSegment.path.getFileName() + " (" + e.getMessage() + "), kept in " + kept);
                acknowledge(record.seq);
            }
        }
        return Optional.empty();
    }

    @Override
    public synchronized void remove(StoredEvent event) throws IOException {
        if (!inFlight.containsKey(event.seq())) {
            throw new IllegalStateException("event " + event.seq() + " was not handed out, or is removed already");
        }
        acknowledge(event.seq());
    }

    @Override
    public synchronized long waiting() {
        return depth - inFlight.size();
    }

    /** Writes the acknowledgement down, then forgets the event; if the write fails it stays handed out. */
    private void acknowledge(long seq) throws IOException {
        Long payloadBytes = inFlight.get(seq);
        Long oldest = inFlight.firstKey() == seq ? inFlight.higherKey(seq) : inFlight.firstKey();
        ack.ack(seq, oldest == null ? passedSeq : oldest - 1, System.currentTimeMillis());
        inFlight.remove(seq);
        depth--;
        bytes -= payloadBytes;
        Path blob = inFlightBlobs.remove(seq);
        if (blob != null) {
            blobs.delete(blob); // after the acknowledgement: a crash in between leaves a blob opening deletes
        }
        deleteDelivered();
    }

    @Override
    public synchronized long depth() {
        return depth;
    }

    @Override
    public synchronized long bytes() {
        return bytes;
    }

    @Override
    public synchronized long reclaimableBytes() {
        // as segmentFor decides: a delivered newest segment this big is replaced, and every segment goes with it
        SegmentFile newest = segments.peekLast();
        if (!allDelivered() || newest == null || newest.durableEnd() < RECYCLE_BYTES) {
            return 0;
        }
        return segments.stream().mapToLong(SegmentFile::durableEnd).sum();
    }

    @Override
    public synchronized Optional<byte[]> lastCommit() {
        return Optional.ofNullable(lastCommit).map(byte[]::clone);
    }

    @Override
    public synchronized void close() throws IOException {
        IOException failure = null;
        for (SegmentFile segment : segments) {
            try {
                segment.close();
            } catch (IOException e) {
                failure = e;
            }
        }
        segments.clear();
        ack.close();
        if (failure != null) {
            throw failure;
        }
    }

    private boolean allDelivered() {
        return depth == 0 && inFlight.isEmpty() && appending == 0;
    }

    /** Deletes the segments before the one being read whose events are all acknowledged. */
    private void deleteDelivered() throws IOException {
        while (segments.size() > 1 && segments.peekFirst() != readSegment
                && (inFlight.isEmpty() || inFlight.firstKey() >= secondSegment().firstSeq)) {
            SegmentFile done = segments.removeFirst();
            damaged.remove(done);
            done.close();
            Files.deleteIfExists(done.path);
        }
    }

    private SegmentFile secondSegment() {
        var all = segments.iterator();
        all.next();
        return all.next();
    }

    private SegmentFile after(SegmentFile segment) {
        boolean found = false;
        for (SegmentFile s : segments) {
            if (found) {
                return s;
            }
            found = s == segment;
        }
        return null;
    }

    /** The bytes a record holds waiting: its payload, and a blob's length. */
    private long accounted(SegmentRecord record) {
        if (record.type != SegmentRecord.BLOB) {
            return record.payload.length;
        }
        try {
            return record.payload.length + format.referenceHeader(record.payload).length();
        } catch (CorruptEventException e) {
            return record.payload.length; // found and kept aside when handed out
        }
    }

    private static String blobName(SegmentRecord record) {
        int newline = 0;
        while (newline < record.payload.length && record.payload[newline] != '\n') {
            newline++;
        }
        return new String(record.payload, newline + 1, Math.max(0, record.payload.length - newline - 1),
                StandardCharsets.UTF_8);
    }

    private byte[] payload(EventRecord record) throws IOException {
        byte[][] parts = format.encode(record);
        byte[] out = new byte[parts[0].length + parts[1].length];
        System.arraycopy(parts[0], 0, out, 0, parts[0].length);
        System.arraycopy(parts[1], 0, out, parts[0].length, parts[1].length);
        return out;
    }

    private List<Path> segmentFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> listing = Files.newDirectoryStream(dir)) {
            for (Path file : listing) {
                if (SEGMENT.matcher(file.getFileName().toString()).matches()) {
                    files.add(file);
                }
            }
        }
        files.sort(null);
        return files;
    }
}
