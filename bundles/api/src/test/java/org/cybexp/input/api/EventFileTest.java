package org.cybexp.input.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** File-backed bodies: sized and streamed without loading, never handed out as an array. */
class EventFileTest {

    @TempDir
    Path dir;

    @Test
    void aFileBodyIsSizedAndStreamedButNotLoaded() throws IOException {
        Path file = Files.writeString(dir.resolve("big.part"), "0123456789");
        Event event = Event.ofFile(file, "text/plain").withDedupKey("k").withName("big.txt");

        assertEquals(10, event.size());
        assertEquals(10L, event.length());
        assertEquals(Optional.of(file.toAbsolutePath()), event.file());
        try (InputStream in = event.openBody()) {
            assertArrayEquals("0123456789".getBytes(StandardCharsets.US_ASCII), in.readAllBytes());
        }
        IllegalStateException refused = assertThrows(IllegalStateException.class, event::body);
        assertTrue(refused.getMessage().contains("openBody()"), refused.getMessage());
        assertTrue(event.toString().contains("10 bytes in big.part"), event.toString());
    }

    @Test
    void anInMemoryBodyStreamsTooAndHasNoFile() throws IOException {
        Event event = Event.ofText("abc", "text/plain");
        assertEquals(Optional.empty(), event.file());
        assertEquals(3L, event.length());
        try (InputStream in = event.openBody()) {
            assertEquals("abc", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void aMissingFileIsRefusedAtOnce() {
        assertThrows(IOException.class, () -> Event.ofFile(dir.resolve("absent"), "text/plain"));
        assertThrows(IOException.class, () -> Event.ofFile(dir, "text/plain"));
    }
}
