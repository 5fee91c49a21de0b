package org.cybexp.input.source.upload;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The uploaders of an input, from its {@code keys_file}: one line each, {@code NAME SHA256 ORGID[,ORGID...]}
 * ({@code #} starts a comment). Only the SHA-256 of a key is kept, so the file gives no key away. The file is
 * read again when it changes, so a key added by {@code cybexp-input upload-key add} works at once.
 */
final class UploadKeys {

    private static final Logger LOG = LoggerFactory.getLogger(UploadKeys.class);

    /** Who uploads: the name of a key and the orgids it may post for ({@code *}: any). */
    record Uploader(String name, Set<String> orgids) {
        boolean mayPostFor(String orgid) {
            return orgids.contains("*") || orgids.contains(orgid);
        }
    }

    private record Entry(Uploader uploader, byte[] hash) {
    }

    private final Path file;
    private List<Entry> entries = List.of(); // guarded by this
    private FileTime readAt;
    private long readSize = -1;

    UploadKeys(Path file) {
        this.file = file;
    }

    /** The uploader holding this key, if any; compares hashes in constant time, each entry. */
    Optional<Uploader> find(String key) {
        byte[] hash = sha256(key.getBytes(StandardCharsets.UTF_8));
        Uploader found = null;
        for (Entry entry : current()) {
            if (MessageDigest.isEqual(entry.hash, hash) && found == null) {
                found = entry.uploader;
            }
        }
        return Optional.ofNullable(found);
    }

    private synchronized List<Entry> current() {
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            long size = Files.size(file);
            if (!modified.equals(readAt) || size != readSize) {
                entries = parse(Files.readAllLines(file, StandardCharsets.UTF_8));
                readAt = modified;
                readSize = size;
            }
        } catch (NoSuchFileException e) {
            entries = List.of();
            readAt = null;
        } catch (IOException e) {
            LOG.warn("cannot read the upload keys {}: {}; keeping the keys read before", file, e.getMessage());
        }
        return entries;
    }

    private List<Entry> parse(List<String> lines) {
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.split("\\s+");
            if (fields.length != 3 || !fields[1].matches("[0-9a-fA-F]{64}")) {
                // the line number only: a key pasted by mistake must not reach the log
                LOG.warn("{}:{}: not NAME SHA256 ORGID[,ORGID...]; line ignored", file, i + 1);
                continue;
            }
            Set<String> orgids = Arrays.stream(fields[2].split(",")).map(String::strip).filter(s -> !s.isEmpty())
                    .collect(Collectors.toUnmodifiableSet());
            out.add(new Entry(new Uploader(fields[0], orgids), HexFormat.of().parseHex(fields[1].toLowerCase())));
        }
        return List.copyOf(out);
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
