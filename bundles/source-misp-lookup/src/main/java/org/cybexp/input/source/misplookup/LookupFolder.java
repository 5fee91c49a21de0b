package org.cybexp.input.source.misplookup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import org.cybexp.input.api.SourceException;
import org.cybexp.input.source.misp.DirectoryRule;
import org.cybexp.input.source.misp.PrintableName;

/**
 * The drop folder: the regular files ready to read (left unchanged for {@code min_age}, by name; hidden files,
 * links and folders are left alone), moved to {@code processed/} when every value was answered and stored, or
 * to {@code failed/<name>.bak} with {@code <name>.reason} when they cannot be read. Links are never followed.
 */
final class LookupFolder {

    static final String PROCESSED = "processed";
    static final String FAILED = "failed";
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

    /** A file ready to read; its id (name, size, modification time) tells a replaced file from the old one. */
    record Entry(Path path, long size, Instant modified) {
        String name() {
            return path.getFileName().toString();
        }

        String shown() {
            return PrintableName.of(name());
        }

        String id() {
            String identity = name() + "|" + size + "|" + modified.toEpochMilli();
            try {
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
                return HexFormat.of().formatHex(digest, 0, 8);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every Java runtime has SHA-256", e);
            }
        }
    }

    private final Path root;

    private LookupFolder(Path root) {
        this.root = root;
    }

    /** The folder (created if missing) with its {@code processed/} and {@code failed/} folders. */
    static LookupFolder open(Path configured) throws IOException, SourceException {
        Files.createDirectories(configured);
        Path root = configured.toRealPath();
        Optional<String> refusal = DirectoryRule.refusal(root);
        if (refusal.isPresent()) {
            throw new SourceException("directory " + configured + " leads to " + root + ", which " + refusal.get());
        }
        LookupFolder folder = new LookupFolder(root);
        for (String sub : List.of(PROCESSED, FAILED)) {
            Path path = root.resolve(sub);
            if (Files.isSymbolicLink(path)) {
                throw new SourceException(sub + "/ in " + root + " is a symbolic link: refusing to move files out "
                        + "of the directory");
            }
            Files.createDirectories(path);
        }
        return folder;
    }

    List<Entry> ready(Instant now, Duration minAge) throws IOException {
        List<Entry> ready = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
            for (Path path : entries) {
                if (path.getFileName().toString().startsWith(".")) {
                    continue;
                }
                BasicFileAttributes attributes;
                try {
                    attributes = Files.readAttributes(path, BasicFileAttributes.class, NOFOLLOW);
                } catch (NoSuchFileException e) {
                    continue;
                }
                Instant modified = attributes.lastModifiedTime().toInstant();
                if (attributes.isRegularFile() && Duration.between(modified, now).compareTo(minAge) >= 0) {
                    ready.add(new Entry(path, attributes.size(), modified));
                }
            }
        }
        ready.sort(Comparator.comparing(Entry::name));
        return ready;
    }

    /** Opens a listed file, never through a link swapped in since the listing. */
    InputStream open(Entry entry) throws IOException {
        return Files.newInputStream(entry.path(), StandardOpenOption.READ, NOFOLLOW);
    }

    void finished(Entry entry) throws IOException {
        Files.move(entry.path(), root.resolve(PROCESSED).resolve(freeName(root.resolve(PROCESSED), entry.name(),
                "")));
    }

    void failed(Entry entry, String reason, Instant now) throws IOException {
        Path failed = root.resolve(FAILED);
        String name = freeName(failed, entry.name(), ".bak");
        Files.move(entry.path(), failed.resolve(name + ".bak"));
        Files.writeString(failed.resolve(name + ".reason"), "misp_lookup could not read " + entry.shown() + " ("
                + now + "):\n" + reason + "\n", StandardCharsets.UTF_8);
    }

    private static String freeName(Path folder, String name, String suffix) {
        for (int n = 1;; n++) {
            String candidate = n == 1 ? name : name + "-" + n;
            if (!Files.exists(folder.resolve(candidate + suffix), NOFOLLOW)) {
                return candidate;
            }
        }
    }
}
