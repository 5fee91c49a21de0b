package org.cybexp.input.source.mispfile;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;

/**
 * The files of one feed folder. Where the platform offers it (Linux), the folder is opened once without
 * following links and its files are opened relative to that handle, so swapping the folder for a link while
 * it is read cannot lead outside the watched directory; elsewhere each file is checked and opened with
 * {@code O_NOFOLLOW}.
 */
final class FeedFiles implements Closeable {

    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
    private static final Set<OpenOption> READ_NOFOLLOW = Set.of(StandardOpenOption.READ, NOFOLLOW);

    private final Path folder;
    private final SecureDirectoryStream<Path> handle;

    private FeedFiles(Path folder, SecureDirectoryStream<Path> handle) {
        this.folder = folder;
        this.handle = handle;
    }

    static FeedFiles open(Path root, String feedName) throws IOException {
        Path folder = root.resolve(feedName);
        try (DirectoryStream<Path> rootStream = Files.newDirectoryStream(root)) {
            if (rootStream instanceof SecureDirectoryStream<Path> secureRoot) {
                try {
                    return new FeedFiles(folder, secureRoot.newDirectoryStream(Path.of(feedName), NOFOLLOW));
                } catch (NoSuchFileException e) {
                    throw new RefusedFileException(feedName + " is missing");
                } catch (IOException e) {
                    throw new RefusedFileException(feedName + " cannot be opened as a folder without following "
                            + "links (" + e.getClass().getSimpleName() + ")");
                }
            }
        }
        BasicFileAttributes attributes = Files.readAttributes(folder, BasicFileAttributes.class, NOFOLLOW);
        if (!attributes.isDirectory()) {
            throw new RefusedFileException(feedName + " is not a folder");
        }
        return new FeedFiles(folder, null);
    }

    /**
     * Opens a file of the feed by its plain name (checked by the caller: an event uuid or the manifest's name).
     *
     * @throws RefusedFileException if it is missing, a symbolic link or not a regular file
     */
    InputStream open(String name) throws IOException {
        if (handle == null) {
            return openRegular(folder.resolve(name));
        }
        Path relative = Path.of(name);
        BasicFileAttributes attributes;
        try {
            attributes = handle.getFileAttributeView(relative, BasicFileAttributeView.class, NOFOLLOW)
                    .readAttributes();
        } catch (NoSuchFileException e) {
            throw new RefusedFileException(name + " is missing");
        }
        refuseIrregular(name, attributes);
        return Channels.newInputStream(handle.newByteChannel(relative, READ_NOFOLLOW));
    }

    /** Opens a regular file by path, never through a symbolic link in its last component. */
    static InputStream openRegular(Path file) throws IOException {
        String name = String.valueOf(file.getFileName());
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class, NOFOLLOW);
        } catch (NoSuchFileException e) {
            throw new RefusedFileException(name + " is missing");
        }
        refuseIrregular(name, attributes);
        // NOFOLLOW again on open: the file may have been swapped for a link since the check.
        return Files.newInputStream(file, StandardOpenOption.READ, NOFOLLOW);
    }

    private static void refuseIrregular(String name, BasicFileAttributes attributes) throws RefusedFileException {
        if (attributes.isSymbolicLink()) {
            throw new RefusedFileException(name + " is a symbolic link (not followed)");
        }
        if (!attributes.isRegularFile()) {
            throw new RefusedFileException(name + " is not a regular file");
        }
    }

    @Override
    public void close() throws IOException {
        if (handle != null) {
            handle.close();
        }
    }
}
