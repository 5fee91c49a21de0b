package org.cybexp.input.delivery;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/** How many bytes may still be written on the disk of the outboxes; injected so tests can pretend a full disk. */
@FunctionalInterface
interface FreeSpace {

    long usableBytes() throws IOException;

    /** The disk holding {@code dir} (created if absent), as the file system reports it now. */
    static FreeSpace of(Path dir) {
        return new FreeSpace() {
            private FileStore store; // looked up once: a statvfs per question is cheap, parsing the mounts is not

            @Override
            public synchronized long usableBytes() throws IOException {
                if (store == null) {
                    Files.createDirectories(dir);
                    store = Files.getFileStore(dir);
                }
                return store.getUsableSpace();
            }
        };
    }
}
