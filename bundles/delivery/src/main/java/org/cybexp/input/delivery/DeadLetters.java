package org.cybexp.input.delivery;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.cybexp.input.core.control.DeadLetter;
import org.cybexp.input.core.files.DurableFiles;
import org.cybexp.input.delivery.store.EventFile;
import org.cybexp.input.delivery.store.EventHeader;
import org.cybexp.input.delivery.store.EventRecord;
import org.cybexp.input.delivery.store.InputFolder;
import org.cybexp.input.delivery.store.StoredEvent;

/**
 * Events the API refused for good: {@code deadletter/<input>/<seq>.evt} (the outbox file as it was) and
 * {@code <seq>.json} beside it with the API's answer, for a person to read and resend. The {@code .json} is
 * written last and deleted first, so it marks a complete dead letter; an {@code .evt} alone is a leftover of a
 * crash and is ignored. A dead letter's id is {@code <input folder>/<seq>}.
 */
final class DeadLetters {

    private static final Pattern ID = Pattern.compile("([A-Za-z0-9_%-][A-Za-z0-9_.%-]*)/(\\d{1,20})");
    private static final String REASON = ".json";
    private static final String EVENT = ".evt";
    /** A dead letter bigger than this is replayed from a file, never loaded. */
    static final long LARGE = 8L * 1024 * 1024;

    /** Where one dead letter's two files are. */
    record Entry(String id, Path reason, Path event) {
    }

    private final Path root;
    private final EventFile format = new EventFile();
    private final ObjectMapper json = new ObjectMapper();

    /** @param root the {@code data/deadletter} folder */
    DeadLetters(Path root) {
        this.root = root;
    }

    /** Stores the event and the reason, both fsync'd, before the caller removes it from the outbox. */
    Path add(StoredEvent event, int status, String message, Instant at) throws IOException {
        Path dir = root.resolve(InputFolder.of(event.header().name()));
        writeEvent(event, dir.resolve(event.seqText() + ".evt"));
        Map<String, Object> reason = new LinkedHashMap<>();
        reason.put("status", status);
        reason.put("message", message);
        reason.put("at", at.toString());
        reason.put("input", event.header().name());
        reason.put("typetag", event.header().typetag());
        DurableFiles.write(dir.resolve(event.seqText() + ".json"), json.writeValueAsBytes(reason));
        return dir;
    }

    /** The outbox file as it was; a blob body is copied by streaming, never loaded. */
    private void writeEvent(StoredEvent event, Path target) throws IOException {
        if (!event.record().inFile()) {
            DurableFiles.write(target, format.encode(event.record()));
            return;
        }
        Files.createDirectories(target.getParent());
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        try {
            try (FileOutputStream file = new FileOutputStream(tmp.toFile());
                    OutputStream out = new BufferedOutputStream(file, 64 * 1024)) {
                format.write(event.record(), out);
                out.flush();
                file.getFD().sync();
            }
            DurableFiles.publish(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
        DurableFiles.syncDirectory(target.getParent());
    }

    /** The entry an id names, if its reason file exists; ids with a shorter sequence number are accepted. */
    Optional<Entry> find(String id) {
        Matcher m = id == null ? null : ID.matcher(id.trim());
        if (m == null || !m.matches()) {
            return Optional.empty();
        }
        String seq = "0".repeat(20 - m.group(2).length()) + m.group(2);
        Entry entry = entry(root.resolve(m.group(1)), seq);
        return Files.isRegularFile(entry.reason()) ? Optional.of(entry) : Optional.empty();
    }

    /** The dead letters of the given inputs (every input if empty), by input folder, oldest first. */
    List<Entry> entries(Collection<String> inputNames) throws IOException {
        List<Path> dirs = new ArrayList<>();
        if (inputNames.isEmpty()) {
            if (Files.isDirectory(root)) {
                try (DirectoryStream<Path> all = Files.newDirectoryStream(root, Files::isDirectory)) {
                    all.forEach(dirs::add);
                }
            }
        } else {
            inputNames.stream().distinct().forEach(name -> dirs.add(root.resolve(InputFolder.of(name))));
        }
        dirs.sort(null);
        List<Entry> out = new ArrayList<>();
        for (Path dir : dirs) {
            for (String seq : seqs(dir)) {
                out.add(entry(dir, seq));
            }
        }
        return out;
    }

    /** How many dead letters an input holds now. */
    long count(String inputName) {
        try {
            return seqs(root.resolve(InputFolder.of(inputName))).size();
        } catch (IOException e) {
            return 0; // status must not fail because the folder cannot be listed; list shows the error
        }
    }

    /** The entry's reason, with the body's size from the event's header (-1 if the event file is missing). */
    DeadLetter describe(Entry entry) throws IOException {
        String folder = entry.reason().getParent().getFileName().toString();
        long size = header(entry).map(EventHeader::length).orElse(-1L);
        JsonNode reason;
        try {
            reason = json.readTree(Files.readAllBytes(entry.reason()));
        } catch (JacksonException e) {
            // listed anyway, so a person can see, replay or purge it
            return new DeadLetter(entry.id(), InputFolder.nameOf(folder), 0, "unreadable " + entry.reason()
                    .getFileName(), null, size, "");
        }
        return new DeadLetter(entry.id(), reason.path("input").asText(InputFolder.nameOf(folder)),
                reason.path("status").asInt(), reason.path("message").asText(""), instant(reason.path("at")), size,
                reason.path("typetag").asText(""));
    }

    /** The event's header, if its file is there and its header line readable. */
    Optional<EventHeader> header(Entry entry) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(entry.event()))) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
                line.write(b);
                if (line.size() > 1 << 20) {
                    return Optional.empty();
                }
            }
            return Optional.of(json.readValue(line.toByteArray(), EventHeader.class));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (JacksonException e) {
            return Optional.empty();
        }
    }

    /** The first {@code max} bytes of the event's body. */
    byte[] bodyStart(Entry entry, int max) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(entry.event()))) {
            for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
                // skip the header line
            }
            return in.readNBytes(max);
        }
    }

    /**
     * The whole event, checked against its header's length and SHA-256. A large one's body is copied by streaming
     * into a file beside it ({@code .<seq>.body.tmp}), which the outbox takes as a blob when it is replayed.
     */
    EventRecord read(Entry entry) throws IOException {
        try {
            if (Files.size(entry.event()) > LARGE) {
                return readLarge(entry);
            }
            return format.decode(Files.readAllBytes(entry.event()));
        } catch (NoSuchFileException e) {
            throw new IOException("dead letter " + entry.id() + ": its event file " + entry.event().getFileName()
                    + " is missing", e);
        } catch (EventFile.CorruptEventException e) {
            throw new IOException("dead letter " + entry.id() + " is damaged (" + e.getMessage() + "); it stays in "
                    + entry.event().getParent(), e);
        }
    }

    private EventRecord readLarge(Entry entry) throws IOException {
        EventHeader header = header(entry).orElseThrow(() -> new EventFile.CorruptEventException("unreadable header"));
        Path body = entry.event().resolveSibling("." + entry.event().getFileName() + ".body.tmp");
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        long length = 0;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(entry.event()));
                FileOutputStream file = new FileOutputStream(body.toFile());
                OutputStream out = new BufferedOutputStream(file, 64 * 1024)) {
            for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
                // the header line, read above
            }
            byte[] chunk = new byte[64 * 1024];
            for (int n; (n = in.read(chunk)) >= 0;) {
                digest.update(chunk, 0, n);
                out.write(chunk, 0, n);
                length += n;
            }
            out.flush();
            file.getFD().sync();
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(body);
            throw e;
        }
        if (length != header.length() || !HexFormat.of().formatHex(digest.digest()).equals(header.sha256())) {
            Files.deleteIfExists(body);
            throw new EventFile.CorruptEventException(length != header.length()
                    ? "length " + length + " instead of " + header.length() : "sha-256 mismatch");
        }
        return new EventRecord(header, new byte[0], body);
    }

    /** Deletes a dead letter: the reason first, so a crash in between leaves only an ignored event file. */
    void delete(Entry entry) throws IOException {
        Files.deleteIfExists(entry.reason());
        Files.deleteIfExists(entry.event());
        DurableFiles.syncDirectory(entry.reason().getParent());
    }

    private Entry entry(Path dir, String seq) {
        return new Entry(dir.getFileName() + "/" + seq, dir.resolve(seq + REASON), dir.resolve(seq + EVENT));
    }

    private static List<String> seqs(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(REASON) && n.length() == 20 + REASON.length()
                            && n.chars().limit(20).allMatch(Character::isDigit))
                    .map(n -> n.substring(0, 20)).sorted().toList();
        }
    }

    private static Instant instant(JsonNode at) {
        try {
            return at.isTextual() ? Instant.parse(at.asText()) : null;
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
