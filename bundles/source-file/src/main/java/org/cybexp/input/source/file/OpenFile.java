package org.cybexp.input.source.file;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.GZIPInputStream;

/**
 * A handle on a tracked file. Held while the file is read, so a file renamed out of {@code paths} or deleted
 * (rotation) is still read to its end; closed when idle, so open handles stay bounded.
 */
interface OpenFile extends Closeable {

    /** Reads into {@code buffer} from file offset {@code position}; -1 at the end. */
    int read(byte[] buffer, long position) throws IOException;

    static OpenFile open(Path path, boolean gzip, long position) throws IOException {
        return gzip ? new Gzip(path, position) : new Plain(FileChannel.open(path, StandardOpenOption.READ));
    }

    /** A plain file, read at any offset. */
    final class Plain implements OpenFile {
        private final FileChannel channel;

        Plain(FileChannel channel) {
            this.channel = channel;
        }

        @Override
        public int read(byte[] buffer, long position) throws IOException {
            return channel.read(ByteBuffer.wrap(buffer), position);
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /** A compressed rotated file: read forward only, offsets count decompressed bytes. */
    final class Gzip implements OpenFile {
        private final InputStream in;
        private long at;

        Gzip(Path path, long position) throws IOException {
            InputStream raw = Files.newInputStream(path);
            try {
                in = new GZIPInputStream(raw, 64 * 1024);
                in.skipNBytes(position);
                at = position;
            } catch (IOException e) {
                raw.close();
                throw e;
            }
        }

        @Override
        public int read(byte[] buffer, long position) throws IOException {
            if (position != at) {
                throw new IOException("a compressed file is read forward only");
            }
            int n = in.readNBytes(buffer, 0, buffer.length);
            if (n == 0) {
                return -1;
            }
            at += n;
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
