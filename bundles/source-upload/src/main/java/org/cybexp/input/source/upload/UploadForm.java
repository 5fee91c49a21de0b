package org.cybexp.input.source.upload;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * An upload's form as read from the body: the text fields of {@code /raw} and the file, streamed to a spool
 * file (fsync'd) while its SHA-256 is computed. Close it to delete the spool file (unless it was moved).
 */
final class UploadForm implements AutoCloseable {

    /** The text parts of {@code /raw}; {@code file} is the one file part. */
    static final Set<String> FIELDS = Set.of("name", "orgid", "typetag", "timezone");
    private static final int MAX_FIELD_BYTES = 4096;

    /** A part name {@code /raw} does not know, such as the old spelling {@code typtag}. */
    static final class UnknownPart extends IOException {
        private static final long serialVersionUID = 1L;
        final String part;

        UnknownPart(String part) {
            super("Invalid input: " + part);
            this.part = part;
        }
    }

    /** The file (or the whole body) is larger than allowed. */
    static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        TooLarge(String message) {
            super(message);
        }
    }

    private final Map<String, String> fields = new LinkedHashMap<>();
    private Path file;
    private String filename;
    private String contentType;
    private long bytes;
    private String sha256;

    private UploadForm() {
    }

    /**
     * Reads the whole form; on any failure nothing is left in the spool folder.
     *
     * @param maxFileBytes the largest file taken
     */
    static UploadForm read(InputStream body, String boundary, Path spool, long maxFileBytes) throws IOException {
        UploadForm form = new UploadForm();
        try {
            MultipartReader reader = new MultipartReader(body, boundary);
            for (Optional<MultipartReader.PartHead> part = reader.next(); part.isPresent(); part = reader.next()) {
                String name = part.get().name();
                if (FIELDS.contains(name)) {
                    form.fields.put(name, reader.text(MAX_FIELD_BYTES).strip());
                } else if (name.equals("file") && form.file == null) {
                    form.filename = part.get().filename();
                    form.contentType = part.get().contentType();
                    form.spoolFile(reader, spool, maxFileBytes);
                } else {
                    throw new UnknownPart(name);
                }
            }
            return form;
        } catch (IOException | RuntimeException e) {
            form.close();
            throw e;
        }
    }

    private void spoolFile(MultipartReader reader, Path spool, long max) throws IOException {
        Files.createDirectories(spool);
        file = spool.resolve(UUID.randomUUID() + ".part");
        MessageDigest digest = newDigest();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            OutputStream counted = new FilterOutputStream(Channels.newOutputStream(channel)) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    bytes += len;
                    if (bytes > max) {
                        throw new TooLarge("the file is larger than the " + max + " bytes this endpoint takes");
                    }
                    out.write(b, off, len);
                }

                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }
            };
            reader.body(new DigestOutputStream(counted, digest));
            channel.force(true); // a handoff moves this very file; the outbox reads it back
        }
        sha256 = HexFormat.of().formatHex(digest.digest());
    }

    static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    Optional<String> field(String name) {
        String value = fields.get(name);
        return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    boolean hasField(String name) {
        return fields.containsKey(name);
    }

    /** The spool file, or empty when the form had no file part. */
    Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    String filename() {
        return filename == null ? "" : filename;
    }

    String contentType() {
        return contentType;
    }

    long bytes() {
        return bytes;
    }

    String sha256() {
        return sha256;
    }

    /** The spool file now belongs elsewhere (moved): {@link #close()} leaves it alone. */
    void released() {
        file = null;
    }

    @Override
    public void close() throws IOException {
        if (file != null) {
            Files.deleteIfExists(file);
            file = null;
        }
    }
}
