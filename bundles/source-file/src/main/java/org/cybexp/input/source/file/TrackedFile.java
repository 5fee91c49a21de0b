package org.cybexp.input.source.file;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One file the input knows by its fingerprint: where it is (path, device, inode; none while it has vanished),
 * how far it was read, posted and committed, and its handle, line splitter and batch.
 *
 * <p>Three offsets: {@code read} (bytes handed to the splitter), {@code posted} (every line before it is in an
 * emitted record or skipped) and {@code committed} (what the state holds after the last checkpoint). A restart
 * resumes at {@code committed}; only lines before it were stored.
 */
final class TrackedFile {

    final String fingerprint;
    private Path path;
    private String device;
    private long inode;
    private boolean attached;
    private boolean gzip;
    long size;
    long modifiedMillis;
    long lastSeenMillis;
    long lastDataMillis;

    private long read;
    private long committed;
    private long stagedOffset;
    /** Read to its end for good: a compressed file, or a whole-mode file that was posted. */
    boolean done;
    /** Its file vanished and was read to its end: nothing more to read unless a copy of it turns up. */
    boolean released;

    private OpenFile handle;
    private LineSplitter splitter;
    private RecordBuilder builder;

    TrackedFile(String fingerprint, FileStat stat, long offset, long nowMillis) {
        this.fingerprint = fingerprint;
        this.read = offset;
        this.committed = offset;
        this.stagedOffset = offset;
        this.lastSeenMillis = nowMillis;
        this.lastDataMillis = nowMillis;
        if (stat != null) {
            attach(stat);
        }
    }

    /** From the state: known, not yet seen in this run. */
    static TrackedFile restored(String fingerprint, String device, long inode, Path path, long offset,
            long lastSeenMillis, boolean done) {
        TrackedFile t = new TrackedFile(fingerprint, null, offset, lastSeenMillis);
        t.device = device;
        t.inode = inode;
        t.path = path;
        t.gzip = path.getFileName() != null && path.getFileName().toString().endsWith(".gz");
        t.done = done;
        return t;
    }

    void attach(FileStat stat) {
        path = stat.path();
        device = stat.device();
        inode = stat.inode();
        gzip = stat.gzip();
        size = stat.size();
        modifiedMillis = stat.modifiedMillis();
        attached = true;
        released = false;
    }

    /** Its inode now holds other content (truncated, reused): the identity goes on without a file. */
    void detach() throws IOException {
        attached = false;
        closeHandle();
    }

    /** Not found in this look; it keeps its inode so it is recognised if it comes back. */
    void missing() {
        attached = false;
    }

    boolean attached() {
        return attached;
    }

    /** Whether its path still holds its inode (see {@link FileStat#stillAtPath}). */
    boolean stillAtPath() {
        return path != null && device != null && FileStat.of(path).map(this::sameInode).orElse(false);
    }

    boolean sameInode(FileStat stat) {
        return device != null && stat.sameInode(device, inode);
    }

    boolean gzip() {
        return gzip;
    }

    Path path() {
        return path;
    }

    String device() {
        return device;
    }

    long inode() {
        return inode;
    }

    long readOffset() {
        return read;
    }

    void advance(int bytes) {
        read += bytes;
    }

    long committed() {
        return committed;
    }

    OpenFile handle() {
        return handle;
    }

    void handle(OpenFile open) {
        handle = open;
    }

    void closeHandle() throws IOException {
        OpenFile open = handle;
        handle = null;
        if (open != null) {
            open.close();
        }
    }

    void closeHandleQuietly() {
        try {
            closeHandle();
        } catch (IOException e) {
            // closing a read handle: nothing was written, nothing to lose
        }
    }

    LineSplitter splitter() {
        return splitter;
    }

    RecordBuilder builder() {
        return builder;
    }

    void reader(LineSplitter lineSplitter, RecordBuilder recordBuilder) {
        splitter = lineSplitter;
        builder = recordBuilder;
    }

    /** The offset every line before which is posted; the committed one before anything was read. */
    long postedOffset() {
        return builder == null ? committed : builder.postedEnd();
    }

    /** Called when the state is staged: this offset is what the next checkpoint commits. */
    long stage() {
        stagedOffset = postedOffset();
        return stagedOffset;
    }

    /** The checkpoint committed what was staged. */
    void checkpointed() {
        committed = stagedOffset;
    }

    String state(long nowMillis) {
        if (done) {
            return "done";
        }
        if (!attached) {
            return handle != null ? "rotated away, reading to its end" : released ? "released" : "vanished";
        }
        if (committed < size || read < size) {
            return "reading";
        }
        return handle == null ? "idle" : "following";
    }

    Map<String, Object> status(long nowMillis) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("path", path == null ? "" : path.toString());
        out.put("fingerprint", fingerprint);
        out.put("offset", committed);
        out.put("size", size);
        out.put("lag_bytes", gzip || !attached ? 0 : Math.max(0, size - committed));
        out.put("state", state(nowMillis));
        return out;
    }
}
