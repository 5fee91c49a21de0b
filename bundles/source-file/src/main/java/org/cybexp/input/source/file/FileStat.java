package org.cybexp.input.source.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.Optional;

/**
 * What a look at a file gives: its path, device and inode (the tie-break of its identity), size and time of last
 * change.
 */
record FileStat(Path path, String device, long inode, long size, long modifiedMillis) {

    /** The file's stat, empty if it vanished in between. */
    static Optional<FileStat> of(Path path) {
        try {
            Map<String, Object> unix = Files.readAttributes(path, "unix:dev,ino,size,lastModifiedTime");
            return Optional.of(new FileStat(path, String.valueOf(unix.get("dev")), ((Number) unix.get("ino"))
                    .longValue(), ((Number) unix.get("size")).longValue(),
                    ((java.nio.file.attribute.FileTime) unix.get("lastModifiedTime")).toMillis()));
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return basic(path);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Where there is no unix view: the file key stands for device and inode. */
    private static Optional<FileStat> basic(Path path) {
        try {
            BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
            Object key = a.fileKey();
            return Optional.of(new FileStat(path, key == null ? path.toString() : key.toString(), 0, a.size(),
                    a.lastModifiedTime().toMillis()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Whether the path still holds this inode: checked after a file was opened or read by its path, as a rotation
     * may have put another file there since this stat (reading that one as this one would lose this one's lines
     * and post the other's twice).
     */
    boolean stillAtPath() {
        return of(path).map(now -> now.sameInode(device, inode)).orElse(false);
    }

    boolean sameInode(String otherDevice, long otherInode) {
        return device.equals(otherDevice) && inode == otherInode;
    }

    boolean gzip() {
        return path.getFileName() != null && path.getFileName().toString().endsWith(".gz");
    }
}
