package org.cybexp.input.control;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Properties;
import java.util.Set;

/**
 * {@code data/runningconfig}: how the CLI reaches the daemon (host, port, nonce, pid, started). It holds the
 * nonce, so it is created with mode 0600 from the first byte (never chmod'ed after) and replaced atomically.
 *
 * @param host the loopback address the endpoint listens on
 * @param port its port
 * @param nonce the secret every request must carry
 * @param pid the daemon's process id
 * @param started when the daemon's endpoint started
 */
record RunningConfig(String host, int port, String nonce, long pid, Instant started) {

    static final String FILE_NAME = "runningconfig";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    /** Writes this file into {@code dataDir} atomically: a reader sees the old file, no file, or all of it. */
    void write(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        Path target = dataDir.resolve(FILE_NAME);
        Path tmp = dataDir.resolve(FILE_NAME + "." + pid + ".tmp");
        Files.deleteIfExists(tmp);
        try (OutputStream out = Files.newOutputStream(createOwnerOnly(tmp), StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            toProperties().store(out, "cybexp-input daemon endpoint; removed when the daemon stops");
        }
        try {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    /** Deletes the file in {@code dataDir} only if it is still ours: a newer daemon may have replaced it. */
    static boolean removeIfOwned(Path dataDir, String nonce) throws IOException {
        Path file = dataDir.resolve(FILE_NAME);
        try {
            RunningConfig current = read(file);
            if (!nonce.equals(current.nonce())) {
                return false;
            }
        } catch (NoSuchFileException gone) {
            return false;
        } catch (IllegalArgumentException unreadable) {
            return false;
        }
        return Files.deleteIfExists(file);
    }

    /** @throws IllegalArgumentException if the file lacks a field */
    static RunningConfig read(Path file) throws IOException {
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            props.load(in);
        }
        try {
            return new RunningConfig(required(props, "host"), Integer.parseInt(required(props, "port")),
                    required(props, "nonce"), Long.parseLong(required(props, "pid")),
                    Instant.parse(required(props, "started")));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(file + " is not a valid runningconfig: " + e.getMessage(), e);
        }
    }

    private Properties toProperties() {
        Properties props = new Properties();
        props.setProperty("host", host);
        props.setProperty("port", Integer.toString(port));
        props.setProperty("nonce", nonce);
        props.setProperty("pid", Long.toString(pid));
        props.setProperty("started", started.toString());
        return props;
    }

    private static Path createOwnerOnly(Path file) throws IOException {
        try {
            FileAttribute<Set<PosixFilePermission>> mode = PosixFilePermissions.asFileAttribute(OWNER_ONLY);
            return Files.createFile(file, mode);
        } catch (UnsupportedOperationException notPosix) {
            // e.g. Windows: the file inherits the user's profile ACLs, which is the best available there
            return Files.createFile(file);
        }
    }

    private static String required(Properties props, String key) {
        String value = props.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("missing " + key);
        }
        return value.trim();
    }
}
