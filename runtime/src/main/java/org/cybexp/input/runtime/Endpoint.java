package org.cybexp.input.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * What {@code data/runningconfig} says: where the daemon listens, its nonce and its pid.
 *
 * @param host loopback address
 * @param port the control port
 * @param nonce the secret each request carries
 * @param pid the daemon's process id
 */
record Endpoint(String host, int port, String nonce, long pid) {

    /** @return the endpoint, or empty when there is no file */
    static Optional<Endpoint> read(Path file) throws IOException {
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            props.load(in);
        } catch (NoSuchFileException absent) {
            return Optional.empty();
        } catch (AccessDeniedException denied) {
            throw new IOException("cannot read " + file + ": it is readable by the daemon's user only", denied);
        }
        try {
            return Optional.of(new Endpoint(props.getProperty("host", "127.0.0.1").trim(),
                    Integer.parseInt(props.getProperty("port", "").trim()), props.getProperty("nonce", "").trim(),
                    Long.parseLong(props.getProperty("pid", "").trim())));
        } catch (NumberFormatException e) {
            throw new IOException(file + " is damaged (no port or pid); remove it if no daemon runs", e);
        }
    }

    /** Whether the process named in the file still runs. */
    boolean processAlive() {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
