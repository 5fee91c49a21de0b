package org.cybexp.input.source.mispfile;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.cybexp.input.api.SourceException;
import org.cybexp.input.source.misp.DirectoryRule;
import org.cybexp.input.source.misp.PrintableName;

/**
 * The watched directory: finds what is ready to read, opens files, and moves finished entries to
 * {@code processed/} and unreadable ones to {@code failed/} (renamed {@code <name>.bak}, with a
 * {@code <name>.reason} beside it).
 *
 * <p>Nothing outside the directory is ever read or written: symbolic links are not followed (listed entries
 * that are links are left alone, files are opened with {@code O_NOFOLLOW}, a feed's files relative to the
 * feed folder's own handle), names come from the directory listing or are checked event uuids, and
 * {@code processed/} or {@code failed/} being a link is refused.
 */
final class DropFolder {

    static final String PROCESSED = "processed";
    static final String FAILED = "failed";
    static final String MANIFEST = "manifest.json";
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

    /** What a ready entry is. */
    enum Kind {
        /** A {@code .json} file: a restSearch download, an event list or a single event. */
        EXPORT,
        /** A folder with a {@code manifest.json}: a MISP feed. */
        FEED
    }

    /**
     * An entry ready to read.
     *
     * @param path the file or folder, directly inside the directory
     * @param size the file's size, or the feed manifest's
     * @param modified the last change: of the file, or the newest of the feed folder and its files
     */
    record Entry(Path path, Kind kind, long size, Instant modified) {
        String name() {
            return path.getFileName().toString();
        }

        /** The name as shown in logs, status and {@code .reason} files: control characters escaped. */
        String shown() {
            return PrintableName.of(name());
        }
    }

    /** What the last {@link #ready} call passed over, for the status line. */
    record Skipped(int links, int young) {
    }

    private final Path root;
    private final Path processed;
    private final Path failed;
    private Skipped skipped = new Skipped(0, 0);

    private DropFolder(Path root) {
        this.root = root;
        this.processed = root.resolve(PROCESSED);
        this.failed = root.resolve(FAILED);
    }

    /**
     * The directory (created if missing) with its {@code processed/} and {@code failed/} folders.
     *
     * @throws SourceException if it is not a directory, or {@code processed}/{@code failed} are not folders
     */
    static DropFolder open(Path configured) throws IOException, SourceException {
        if (!Files.exists(configured)) {
            Files.createDirectories(configured);
        }
        Path root = configured.toRealPath();
        Optional<String> refusal = DirectoryRule.refusal(root);
        if (refusal.isPresent()) {
            throw new SourceException("directory " + configured + " leads to " + root + ", which " + refusal.get());
        }
        if (!Files.isDirectory(root)) {
            throw new SourceException("directory " + configured + " is not a directory");
        }
        DropFolder folder = new DropFolder(root);
        folder.ensureFolder(folder.processed);
        folder.ensureFolder(folder.failed);
        return folder;
    }

    private void ensureFolder(Path folder) throws IOException, SourceException {
        if (Files.isSymbolicLink(folder)) {
            throw new SourceException(root.relativize(folder) + "/ in " + root + " is a symbolic link: refusing to "
                    + "move files out of the directory");
        }
        if (!Files.exists(folder, NOFOLLOW)) {
            Files.createDirectory(folder);
        } else if (!Files.isDirectory(folder, NOFOLLOW)) {
            throw new SourceException(root.relativize(folder) + " in " + root + " is not a folder");
        }
    }

    Path root() {
        return root;
    }

    Skipped skipped() {
        return skipped;
    }

    /**
     * The entries ready to read, by name: {@code .json} files and feed folders left unchanged for
     * {@code minAge}. Hidden entries, symbolic links, other files and folders without a manifest are left alone.
     */
    List<Entry> ready(Instant now, Duration minAge) throws IOException {
        List<Entry> ready = new ArrayList<>();
        int links = 0;
        int young = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
            for (Path path : entries) {
                String name = path.getFileName().toString();
                if (name.startsWith(".") || name.equals(PROCESSED) || name.equals(FAILED)) {
                    continue;
                }
                BasicFileAttributes attributes = attributes(path);
                if (attributes == null) {
                    continue; // gone since the listing
                }
                if (attributes.isSymbolicLink()) {
                    links++;
                    continue;
                }
                Entry entry = entry(path, name, attributes);
                if (entry == null) {
                    continue;
                }
                if (Duration.between(entry.modified(), now).compareTo(minAge) < 0) {
                    young++;
                    continue;
                }
                ready.add(entry);
            }
        }
        skipped = new Skipped(links, young);
        ready.sort(Comparator.comparing(Entry::name));
        return ready;
    }

    private static Entry entry(Path path, String name, BasicFileAttributes attributes) throws IOException {
        if (attributes.isRegularFile() && name.toLowerCase(Locale.ROOT).endsWith(".json")) {
            return new Entry(path, Kind.EXPORT, attributes.size(), attributes.lastModifiedTime().toInstant());
        }
        if (!attributes.isDirectory()) {
            return null;
        }
        BasicFileAttributes manifest = attributes(path.resolve(MANIFEST));
        if (manifest == null || !manifest.isRegularFile()) {
            return null;
        }
        return new Entry(path, Kind.FEED, manifest.size(), newest(path, attributes));
    }

    /** A copy into a feed folder touches the folder (new files) and its files (their content). */
    private static Instant newest(Path folder, BasicFileAttributes attributes) throws IOException {
        Instant newest = attributes.lastModifiedTime().toInstant();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder)) {
            for (Path file : files) {
                BasicFileAttributes fileAttributes = attributes(file);
                if (fileAttributes != null && fileAttributes.lastModifiedTime().toInstant().isAfter(newest)) {
                    newest = fileAttributes.lastModifiedTime().toInstant();
                }
            }
        }
        return newest;
    }

    private static BasicFileAttributes attributes(Path path) throws IOException {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, NOFOLLOW);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /**
     * Opens an export file directly inside the directory, never through a symbolic link.
     *
     * @throws RefusedFileException if it is missing, a link, not a regular file, or not directly inside
     */
    InputStream open(Entry entry) throws IOException {
        Path file = entry.path();
        if (!root.equals(file.getParent())) {
            throw new RefusedFileException(entry.shown() + " is not directly inside the directory");
        }
        return FeedFiles.openRegular(file);
    }

    /** The files of a feed folder, opened relative to the folder itself (see {@link FeedFiles}). */
    FeedFiles feedFiles(Entry entry) throws IOException {
        if (!root.equals(entry.path().getParent())) {
            throw new RefusedFileException(entry.shown() + " is not directly inside the directory");
        }
        return FeedFiles.open(root, entry.name());
    }

    /** Moves a finished entry to {@code processed/}, under a new name if the old one is taken. */
    Path finished(Entry entry) throws IOException {
        Path target = processed.resolve(freeName(processed, entry));
        return Files.move(entry.path(), target);
    }

    /** Moves an unreadable entry to {@code failed/<name>.bak} and writes {@code failed/<name>.reason}. */
    Path failed(Entry entry, String reason, Instant now) throws IOException {
        String name = freeName(failed, entry, ".bak", ".reason");
        Path target = Files.move(entry.path(), failed.resolve(name + ".bak"));
        String text = "misp_file could not read " + entry.shown() + " (" + now + "):\n" + reason + "\n";
        Files.writeString(failed.resolve(name + ".reason"), text, StandardCharsets.UTF_8);
        return target;
    }

    /** The entry's name, or {@code name-2.json}, {@code name-3.json}... if taken in the folder. */
    private static String freeName(Path folder, Entry entry, String... suffixes) {
        String name = entry.name();
        int dot = entry.kind() == Kind.EXPORT ? name.lastIndexOf('.') : -1;
        String stem = dot > 0 ? name.substring(0, dot) : name;
        String extension = dot > 0 ? name.substring(dot) : "";
        for (int n = 1;; n++) {
            String candidate = n == 1 ? name : stem + "-" + n + extension;
            if (isFree(folder, candidate, suffixes)) {
                return candidate;
            }
        }
    }

    private static boolean isFree(Path folder, String name, String... suffixes) {
        if (suffixes.length == 0) {
            return !Files.exists(folder.resolve(name), NOFOLLOW);
        }
        for (String suffix : suffixes) {
            if (Files.exists(folder.resolve(name + suffix), NOFOLLOW)) {
                return false;
            }
        }
        return true;
    }

}
