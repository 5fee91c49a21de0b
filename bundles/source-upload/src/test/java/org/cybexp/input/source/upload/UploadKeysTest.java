package org.cybexp.input.source.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UploadKeysTest {

    @TempDir
    Path dir;

    private static String hash(String key) {
        return HexFormat.of().formatHex(UploadKeys.sha256(key.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void findsTheUploaderOfAKeyByItsHashAndSeesNewKeysAtOnce() throws IOException {
        Path file = dir.resolve("upload.keys");
        Files.writeString(file, "# comment\nalice " + hash("key-a") + " org-1,org-2\nbroken line\n");
        UploadKeys keys = new UploadKeys(file);
        UploadKeys.Uploader alice = keys.find("key-a").orElseThrow();
        assertEquals("alice", alice.name());
        assertEquals(Set.of("org-1", "org-2"), alice.orgids());
        assertTrue(alice.mayPostFor("org-2"));
        assertFalse(alice.mayPostFor("org-3"));
        assertTrue(keys.find("key-b").isEmpty());
        assertTrue(keys.find(hash("key-a")).isEmpty(), "the hash itself is no key");

        Files.writeString(file, Files.readString(file) + "bob " + hash("key-b") + " *\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        assertEquals("bob", keys.find("key-b").orElseThrow().name());
        assertTrue(keys.find("key-b").orElseThrow().mayPostFor("any-org"));
    }

    @Test
    void noFileMeansNoUploaders() {
        assertTrue(new UploadKeys(dir.resolve("absent")).find("anything").isEmpty());
    }
}
