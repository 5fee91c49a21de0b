package org.cybexp.input.delivery;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The free space kept on the outboxes' disk ({@code outbox_min_free_mib}): below it inputs stop fetching
 * (back-pressure) while delivery goes on, so the disk never fills up from the outboxes and acknowledgements, dead
 * letters and the core's state always find room. Says so once when the space runs low and once when it is back.
 */
final class DiskReserve {

    private static final Logger LOG = LoggerFactory.getLogger(DiskReserve.class);
    private static final long MIB = 1024L * 1024;

    private final FreeSpace disk;
    private final Path dir;
    private final Consumer<String> report;
    private boolean low; // guarded by this

    /** @param report told, in words, when the space runs low (shown in status) */
    DiskReserve(FreeSpace disk, Path dir, Consumer<String> report) {
        this.disk = disk;
        this.dir = dir;
        this.report = report;
    }

    /**
     * @param reclaimable bytes of delivered events the next append gives back
     * @return whether at least {@code minFreeBytes} are free; true when the disk cannot tell, since a write then
     *         fails with the real reason
     */
    synchronized boolean holds(long minFreeBytes, long reclaimable) {
        if (minFreeBytes <= 0) {
            return true;
        }
        long free;
        try {
            free = disk.usableBytes() + reclaimable;
        } catch (IOException e) {
            return true;
        }
        boolean nowLow = free < minFreeBytes;
        if (nowLow && !low) {
            String problem = "disk nearly full: " + mib(free) + " free for " + dir + ", less than outbox_min_free_mib ("
                    + minFreeBytes / MIB + "); inputs stop fetching until space is freed";
            LOG.warn("{}; delivery goes on", problem);
            report.accept(problem);
        } else if (!nowLow && low) {
            LOG.info("{} free again for {}: inputs fetch again", mib(free), dir);
        }
        low = nowLow;
        return !nowLow;
    }

    private static String mib(long bytes) {
        return bytes / MIB + " MiB";
    }
}
