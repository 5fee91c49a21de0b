package org.cybexp.input.source.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which file is which: matches what a look at the folders found to the files the input knows.
 *
 * <ul>
 * <li>The same device and inode with the same first bytes: the same file, wherever it moved (rename rotation).
 * <li>The same inode with other first bytes, or a size below what was read: the inode holds new content (a
 * copytruncate truncation, an inode reused after a delete): a new file, read from 0; the old identity lives on
 * without a file.
 * <li>A new inode whose first bytes are those of a known file that has no file any more (moved to another disk,
 * a remount, a copytruncate copy, a compressed {@code .gz}): its continuation, read from where the old one was.
 * <li>A new inode whose first bytes are those of a known file still present: a copy in progress (copytruncate
 * copies, then truncates) or another file that starts the same. It waits {@code identity_wait}; if the old file
 * is truncated meanwhile it is the copy, otherwise a file of its own, read from 0.
 * <li>A file shorter than {@code fingerprint_bytes}: waiting, shown in status, read once it is long enough.
 * </ul>
 */
final class FileIdentities {

    /** A file seen without an identity yet: too short, or deciding between copy and file of its own. */
    record Unsettled(FileStat stat, String reason, long sinceMillis) {
    }

    private final FileSettings settings;
    private final FileCounters counters;
    private final List<TrackedFile> tracked = new ArrayList<>();
    private final Map<String, Unsettled> unsettled = new LinkedHashMap<>();
    /** The input had no state: files found by the first look start at their end if read_from = end. */
    private boolean fromEndOnce;

    FileIdentities(FileSettings settings, FileCounters counters, List<TrackedFile> restored, boolean freshInput) {
        this.settings = settings;
        this.counters = counters;
        this.tracked.addAll(restored);
        this.fromEndOnce = freshInput && settings.readFrom() == FilePlugin.ReadFrom.END;
    }

    List<TrackedFile> tracked() {
        return tracked;
    }

    Map<String, Unsettled> unsettled() {
        return unsettled;
    }

    /** Matches the files found now to the known ones; returns the files that became known in this look. */
    List<TrackedFile> look(Set<Path> paths, long now) throws IOException {
        List<FileStat> stats = new ArrayList<>();
        for (Path p : paths) {
            FileStat.of(p).ifPresent(stats::add);
        }
        List<TrackedFile> before = new ArrayList<>(tracked);
        Map<TrackedFile, Boolean> present = new HashMap<>();
        List<FileStat> unmatched = new ArrayList<>();
        for (FileStat stat : stats) {
            TrackedFile same = byInode(stat);
            if (same == null) {
                unmatched.add(stat);
            } else if (stillSame(same, stat)) {
                if (same.path() != null && !same.path().equals(stat.path())) {
                    counters.renames++;
                }
                same.attach(stat);
                same.lastSeenMillis = now;
                present.put(same, true);
            } else {
                if (same.attached()) {
                    counters.truncations++;
                }
                same.detach();
                unmatched.add(stat);
            }
        }
        for (TrackedFile t : before) {
            if (!present.containsKey(t)) {
                t.missing();
            }
        }
        List<TrackedFile> added = new ArrayList<>();
        Map<String, Unsettled> nowUnsettled = new LinkedHashMap<>();
        for (FileStat stat : unmatched) {
            settle(stat, now, nowUnsettled).ifPresent(t -> {
                tracked.add(t);
                added.add(t);
            });
        }
        unsettled.clear();
        unsettled.putAll(nowUnsettled);
        fromEndOnce = false;
        forgetOld(now);
        return added;
    }

    /** The known file at this inode: the one attached to it, else the last one that was. */
    private TrackedFile byInode(FileStat stat) {
        TrackedFile found = null;
        for (TrackedFile t : tracked) {
            if (t.sameInode(stat)) {
                if (t.attached()) {
                    return t;
                }
                found = t;
            }
        }
        return found;
    }

    /**
     * Same inode: the same file unless its first bytes changed or it shrank under what was read. First bytes that
     * cannot be read now (the file moved on since its stat) decide nothing: the inode says it is the same, and the
     * next look sees where it went.
     */
    private boolean stillSame(TrackedFile t, FileStat stat) {
        if (t.gzip() || stat.gzip()) {
            return t.gzip() == stat.gzip() && (stat.size() == t.size || t.size == 0
                    || Fingerprint.of(stat, settings.fingerprintBytes()).map(t.fingerprint::equals).orElse(true));
        }
        if (stat.size() < t.readOffset() || stat.size() < settings.fingerprintBytes()) {
            return false;
        }
        if (stat.size() >= t.size && stat.modifiedMillis() == t.modifiedMillis && t.attached()) {
            return true; // unchanged or only grown since the last look, at the same time stamp
        }
        return Fingerprint.of(stat, settings.fingerprintBytes()).map(t.fingerprint::equals).orElse(true);
    }

    private Optional<TrackedFile> settle(FileStat stat, long now, Map<String, Unsettled> nowUnsettled) {
        String key = stat.device() + ":" + stat.inode();
        Unsettled earlier = unsettled.get(key);
        long since = earlier == null ? now : earlier.sinceMillis();
        Optional<String> fingerprint = Fingerprint.of(stat, settings.fingerprintBytes());
        if (fingerprint.isEmpty()) {
            nowUnsettled.put(key, new Unsettled(stat, "waiting: shorter than fingerprint_bytes ("
                    + settings.fingerprintBytes() + ")", since));
            return Optional.empty();
        }
        String fp = fingerprint.get();
        TrackedFile live = null;
        for (TrackedFile t : tracked) {
            if (!t.fingerprint.equals(fp)) {
                continue;
            }
            if (!t.attached() && !t.sameInode(stat)) { // not the inode that was truncated or reused under it
                counters.continuedElsewhere++;
                t.closeHandleQuietly();
                t.attach(stat);
                t.lastSeenMillis = now;
                return Optional.empty(); // known again: no new file
            }
            if (t.attached()) {
                live = t;
            }
        }
        if (live != null && now - since < settings.identityWait().toMillis()) {
            nowUnsettled.put(key, new Unsettled(stat, "pending: starts like " + live.path()
                    + " (a copy in progress?)", since));
            return Optional.empty();
        }
        long offset = stat.gzip() || !fromEndOnce ? 0 : lastLineEnd(stat);
        return Optional.of(new TrackedFile(fp, stat, offset, now));
    }

    /** read_from = end: after the last complete line, so the first line read is a whole one. */
    private static long lastLineEnd(FileStat stat) {
        long size = stat.size();
        int window = (int) Math.min(size, 64 * 1024);
        try (FileChannel ch = FileChannel.open(stat.path(), StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate(window);
            ch.read(buf, size - window);
            byte[] b = buf.array();
            for (int i = buf.position() - 1; i >= 0; i--) {
                if (b[i] == '\n') {
                    return size - window + i + 1;
                }
            }
        } catch (IOException e) {
            // unreadable now: start at its size
        }
        return size;
    }

    /** A vanished file's state is kept clean_after, then dropped (nothing of it is pending by then). */
    private void forgetOld(long now) {
        long keep = settings.cleanAfter().toMillis();
        for (Iterator<TrackedFile> it = tracked.iterator(); it.hasNext();) {
            TrackedFile t = it.next();
            if (!t.attached() && t.handle() == null && now - t.lastSeenMillis > keep
                    && (t.builder() == null || !t.builder().pending())) {
                it.remove();
            }
        }
    }
}
