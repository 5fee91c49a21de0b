package org.cybexp.input.source.file;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * A file's identity: a hash of its first bytes (of the decompressed bytes for a {@code .gz}), so a renamed,
 * copied, compressed or remounted file is recognised, and a new file at an old inode is not taken for the old
 * one. Files with the same first bytes are told apart by device and inode (see {@link FileIdentities}).
 */
final class Fingerprint {

    private Fingerprint() {
    }

    /**
     * The fingerprint of the first {@code bytes} bytes; empty while the file is shorter, or if its path no longer
     * holds the stat's file (vanished, or rotated away with another file put there).
     */
    static Optional<String> of(FileStat stat, int bytes) {
        byte[] head = head(stat, bytes);
        return head == null || head.length < bytes ? Optional.empty() : Optional.of(hash(head, head.length));
    }

    /** The fingerprint of a whole short file (whole mode: a report shorter than the fingerprint is complete). */
    static Optional<String> ofWhole(FileStat stat, int bytes) {
        byte[] head = head(stat, bytes);
        return head == null ? Optional.empty() : Optional.of(hash(head, head.length) + "." + head.length);
    }

    /** Up to {@code bytes} first bytes of the stat's file; null if it cannot be read, or is no longer at its path. */
    private static byte[] head(FileStat stat, int bytes) {
        byte[] head = head(stat.path(), stat.gzip(), bytes);
        return head != null && stat.stillAtPath() ? head : null;
    }

    /** Up to {@code bytes} first bytes; null if the file cannot be read. */
    static byte[] head(Path path, boolean gzip, int bytes) {
        try {
            if (gzip) {
                try (InputStream in = new GZIPInputStream(Files.newInputStream(path))) {
                    return in.readNBytes(bytes);
                }
            }
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
                ByteBuffer buf = ByteBuffer.allocate(bytes);
                while (buf.hasRemaining() && ch.read(buf) > 0) {
                    // read until full or end of file
                }
                byte[] out = new byte[buf.position()];
                buf.flip().get(out);
                return out;
            }
        } catch (IOException e) {
            return null; // vanished, unreadable, or a .gz still being written: looked at again next time
        }
    }

    static String hash(byte[] data, int length) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(data, 0, length);
            return HexFormat.of().formatHex(sha.digest(), 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java", e);
        }
    }
}
