package org.cybexp.input.source.mispfile;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import org.cybexp.input.api.InputConfig;
import org.cybexp.input.api.InvalidConfigException;
import org.cybexp.input.testkit.InputConfigs;
import org.junit.jupiter.api.Test;

class MispFilePluginTest {

    private static InvalidConfigException refused(String key, String value) {
        Map<String, Object> properties = new HashMap<>(Map.of("orgid", "org1", "directory", "/srv/misp"));
        if (value == null) {
            properties.remove(key);
        } else {
            properties.put(key, value);
        }
        return assertThrows(InvalidConfigException.class,
                () -> new MispFilePlugin().open(InputConfigs.of(new MispFilePlugin(), "files", properties)));
    }

    @Test
    void namesAndDefaultsFollowTheDesign() throws Exception {
        MispFilePlugin plugin = new MispFilePlugin();
        assertEquals("misp_file", plugin.name());
        assertEquals("cybexp.source.misp_file", MispFilePlugin.PID);
        assertEquals("misp-api", plugin.defaultTypetag());
        assertEquals(Duration.ofSeconds(60), InputConfigs.of(plugin, "files",
                Map.of("orgid", "org1", "directory", "/srv/misp")).period());
        assertEquals("MispFileInput[/srv/misp]", plugin.open(InputConfigs.of(plugin, "files",
                Map.of("orgid", "org1", "directory", "/srv/misp/./x/.."))).toString());
    }

    @Test
    void badValuesAreRefusedNamingTheKey() {
        assertEquals("directory: is required", refused("directory", null).getMessage());
        // the metatype's bounds, enforced by the container before the plugin opens
        assertEquals("min_age: must be at least 0, got '-1'", refused("min_age", "-1").getMessage());
        assertEquals("checkpoint_every: must be at least 1, got '0'", refused("checkpoint_every", "0").getMessage());
        assertEquals("checkpoint_every: must be at most 1000000, got '1000001'",
                refused("checkpoint_every", "1000001").getMessage());
        assertEquals("checkpoint_every: must be a whole number, got 'often'",
                refused("checkpoint_every", "often").getMessage());
    }

    @Test
    void aRelativeDirectoryIsUnderTheInstallation() throws Exception {
        assertEquals(Path.of("/opt/cybexp-input/data/misp-import"),
                MispFilePlugin.directory("data/misp-import", "/opt/cybexp-input"));
        assertEquals(Path.of("/srv/drop"), MispFilePlugin.directory("/srv/drop", "/opt/cybexp-input"));
        assertEquals(Path.of("data/misp-import").toAbsolutePath(), MispFilePlugin.directory("data/misp-import", ""));
        assertEquals("MispFileInput[/opt/cybexp-input/drop]", new MispFilePlugin("/opt/cybexp-input")
                .open(InputConfigs.of(new MispFilePlugin(), "files", Map.of("orgid", "o", "directory", "drop")))
                .toString());
    }

    @Test
    void aDirectoryOutsideTheInstallationOrASystemFolderIsRefused() {
        String home = "/opt/cybexp-input";
        assertEquals("directory: a relative path must lead inside the installation folder /opt/cybexp-input; give "
                + "an absolute path for a folder elsewhere", assertThrows(InvalidConfigException.class,
                        () -> MispFilePlugin.directory("../elsewhere", home)).getMessage());
        for (String inside : new String[] {"data/../../x", ".", "data/.."}) {
            assertThrows(InvalidConfigException.class, () -> MispFilePlugin.directory(inside, home), inside);
        }
        assertEquals("directory: is inside the system folder /etc: files there must never be moved; use a folder of "
                + "its own, e.g. /srv/misp-exports", refused("directory", "/etc").getMessage());
        for (String system : new String[] {"/", "/tmp", "/home", "/etc/misp", "/usr/local/share/misp", "/bin",
                "/lib64/x", "/boot", "/dev/shm", "/proc/self", "/sys/x", "/var/lib/misp", "/run/user/1000",
                "/srv/../etc", "/var/log/misp"}) {
            assertThrows(InvalidConfigException.class, () -> MispFilePlugin.directory(system, home), system);
        }
        for (String allowed : new String[] {"/srv/misp-exports", "/home/soc/misp", "/tmp/misp-drop",
                "/var/misp-drop", "/opt/elsewhere/drop"}) {
            assertEquals(Path.of(allowed), assertDoesNotThrow(() -> MispFilePlugin.directory(allowed, home)));
        }
    }

    @Test
    void maxEventBytesIsBoundedAndZeroMeansAShareOfTheHeap() throws Exception {
        assertEquals("max_event_bytes: must be at least 0, got '-1'", refused("max_event_bytes", "-1").getMessage());
        assertEquals("max_event_bytes: must be a whole number, got 'big'", refused("max_event_bytes", "big").getMessage());
        new MispFilePlugin().open(InputConfigs.of(new MispFilePlugin(), "files",
                Map.of("orgid", "o", "directory", "/srv/misp", "max_event_bytes", "1048576")));
    }

    @Test
    void theShippedDefaultInputIsValidAndDisabled() throws Exception {
        Properties shipped = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of("../../felix-config/cybexp.source.misp_file-misp_file.cfg"))) {
            shipped.load(in);
        }
        Map<String, Object> properties = new HashMap<>();
        shipped.stringPropertyNames().forEach(key -> properties.put(key, shipped.getProperty(key)));
        InputConfig config = InputConfigs.of(new MispFilePlugin(), "misp_file", properties);

        assertEquals(false, config.enabled());
        assertEquals("misp_file", config.name());
        new MispFilePlugin().open(config);
    }
}
