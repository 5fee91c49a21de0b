package org.cybexp.input.source.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Map;

import org.cybexp.input.api.InputConfig;
import org.cybexp.input.api.InvalidConfigException;
import org.junit.jupiter.api.Test;

class UploadSettingsTest {

    private static final Path HOME = Path.of("/opt/cybexp");

    private static InputConfig config(Map<String, Object> keys) {
        return new InputConfig("upload", "desk", "own-org", "misp-api", ZoneOffset.UTC, Duration.ofHours(1), true,
                keys);
    }

    @Test
    void defaultsAndHandoffFolders() throws InvalidConfigException {
        UploadSettings settings = UploadSettings.of(config(Map.of("path", "/in/", "allowed_typetags", "a,b",
                "handoff_folders", "misp-lookup:data/lookup, x:/abs/x")), HOME);
        assertEquals("/in", settings.path());
        assertEquals(HOME.resolve("etc/upload.keys"), settings.keysFile());
        assertEquals(UploadPlugin.DEFAULT_MAX_BYTES, settings.maxBytes());
        assertEquals(Map.of("misp-lookup", HOME.resolve("data/lookup"), "x", Path.of("/abs/x")), settings.handoff());
        assertTrue(settings.typetagAllowed("misp-lookup"));
        assertTrue(settings.typetagAllowed("misp-api"), "the input's own");
        assertTrue(settings.typetagAllowed("b"));
        assertFalse(settings.typetagAllowed("c"));
        assertTrue(settings.orgidAllowed("own-org"));
        assertFalse(settings.orgidAllowed("other"), "allowed_orgids is empty: the input's own only");
    }

    @Test
    void refusesWhatCannotWork() {
        InvalidConfigException path = assertThrows(InvalidConfigException.class,
                () -> UploadSettings.of(config(Map.of("path", "upload")), HOME));
        assertTrue(path.getMessage().contains("path"), path.getMessage());
        assertThrows(InvalidConfigException.class, () -> UploadSettings.of(config(Map.of("path", "/system/console")),
                HOME));
        InvalidConfigException pairs = assertThrows(InvalidConfigException.class,
                () -> UploadSettings.of(config(Map.of("handoff_folders", "misp-lookup")), HOME));
        assertTrue(pairs.getMessage().contains("typetag:folder"), pairs.getMessage());
        assertThrows(InvalidConfigException.class, () -> UploadSettings.of(config(Map.of("max_bytes", "0")), HOME));
    }

    @Test
    void handoffNamesAreSafeFileNames() {
        assertEquals("passwd", HandoffFolder.safe("../../etc/passwd"));
        assertEquals("a_b.json", HandoffFolder.safe("a b.json"));
        assertEquals("hidden", HandoffFolder.safe("..hidden"));
        assertEquals("upload", HandoffFolder.safe("/"));
        assertEquals("x.csv", HandoffFolder.safe("C:\\Users\\x.csv"));
    }
}
