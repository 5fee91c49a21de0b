package org.cybexp.input.core.store;

import java.io.Closeable;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import org.cybexp.input.core.files.DurableFiles;

/**
 * The dedup keys one input stored ({@code state/<input>/dedup.log}): an append-only log of 20-byte records
 * (16-byte key hash, epoch day last seen), fsync'd on commit and loaded into memory at open. Keys not seen for
 * {@code ttlDays} are forgotten; a key seen again is refreshed, so a URL that stays in a feed never expires.
 */
public final class DedupStore implements Closeable {

    static final String FILE_NAME = "dedup.log";
    static final int RECORD_SIZE = 20;
    /** Below this many records a log is never worth compacting at commit time. */
    private static final long COMPACT_MIN_RECORDS = 4096;

    private final Path file;
    private final Clock clock;
    private final int ttlDays;
    private final Map<DedupKey, Integer> lastSeen;
    private final Set<DedupKey> refreshes = new LinkedHashSet<>();
    /** A stream, not a FileChannel: an interrupt (immediate stop) must not close the log under us. */
    private FileOutputStream log;
    private long records;

    private DedupStore(Path file, Clock clock, int ttlDays, Map<DedupKey, Integer> lastSeen, long records)
            throws IOException {
        this.file = file;
        this.clock = clock;
        this.ttlDays = ttlDays;
        this.lastSeen = lastSeen;
        this.records = records;
        this.log = openLog(file);
    }

    /** Loads the log in a folder, dropping expired keys and compacting it when mostly dead. */
    public static DedupStore open(Path dir, int ttlDays, Clock clock) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(FILE_NAME);
        Map<DedupKey, Integer> lastSeen = new HashMap<>();
        long records = load(file, lastSeen);
        long oldest = today(clock) - ttlDays;
        lastSeen.values().removeIf(day -> day < oldest);
        if (records > 2L * lastSeen.size()) {
            rewrite(file, lastSeen);
            records = lastSeen.size();
        }
        return new DedupStore(file, clock, ttlDays, lastSeen, records);
    }

    /** Whether the key was committed (and has not expired). */
    public synchronized boolean seen(DedupKey key) {
        return lastSeen.containsKey(key);
    }

    /** Number of live keys. */
    public synchronized int size() {
        return lastSeen.size();
    }

    /** Notes that a known key was seen again today; written with the next commit. */
    public synchronized void refresh(DedupKey key) {
        Integer day = lastSeen.get(key);
        if (day != null && day < today(clock)) {
            refreshes.add(key);
        }
    }

    /** Records keys (and pending refreshes) as seen today and forces them to disk. */
    public synchronized void commit(Collection<DedupKey> keys) throws IOException {
        int today = today(clock);
        Set<DedupKey> changed = new LinkedHashSet<>(refreshes);
        keys.stream().filter(k -> !Integer.valueOf(today).equals(lastSeen.get(k))).forEach(changed::add);
        if (changed.isEmpty()) {
            return;
        }
        ByteBuffer buffer = ByteBuffer.allocate(changed.size() * RECORD_SIZE);
        changed.forEach(key -> put(buffer, key, today));
        log.write(buffer.array());
        log.getFD().sync();
        changed.forEach(key -> lastSeen.put(key, today));
        refreshes.clear();
        records += changed.size();
        if (records > COMPACT_MIN_RECORDS && records > 2L * lastSeen.size()) {
            compact();
        }
    }

    private void compact() throws IOException {
        int oldest = today(clock) - ttlDays;
        lastSeen.values().removeIf(day -> day < oldest);
        log.close();
        rewrite(file, lastSeen);
        records = lastSeen.size();
        log = openLog(file);
    }

    @Override
    public synchronized void close() throws IOException {
        log.close();
    }

    private static FileOutputStream openLog(Path file) throws IOException {
        return new FileOutputStream(file.toFile(), true);
    }

    /** Reads whole records, the latest day of a key winning; cuts a torn record a crash left at the end. */
    private static long load(Path file, Map<DedupKey, Integer> lastSeen) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long whole = channel.size() / RECORD_SIZE;
            ByteBuffer buffer = ByteBuffer.allocate(RECORD_SIZE * 4096);
            long read = 0;
            while (read < whole * RECORD_SIZE && channel.read(buffer) > 0) {
                buffer.flip();
                while (buffer.remaining() >= RECORD_SIZE && read < whole * RECORD_SIZE) {
                    DedupKey key = new DedupKey(buffer.getLong(), buffer.getLong());
                    lastSeen.merge(key, buffer.getInt(), Math::max);
                    read += RECORD_SIZE;
                }
                buffer.compact();
            }
            if (channel.size() != whole * RECORD_SIZE) {
                channel.truncate(whole * RECORD_SIZE);
                channel.force(true);
            }
            return whole;
        }
    }

    private static void rewrite(Path file, Map<DedupKey, Integer> lastSeen) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(lastSeen.size() * RECORD_SIZE);
        lastSeen.forEach((key, day) -> put(buffer, key, day));
        DurableFiles.write(file, buffer.array());
    }

    private static void put(ByteBuffer buffer, DedupKey key, int day) {
        buffer.putLong(key.high()).putLong(key.low()).putInt(day);
    }

    private static int today(Clock clock) {
        return (int) Math.floorDiv(clock.instant().getEpochSecond(), 86_400L);
    }
}
