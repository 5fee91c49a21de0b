package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.cybexp.input.api.InvalidConfigException;
import org.cybexp.input.api.SourcePlugin;
import org.cybexp.input.testkit.InputConfigs;
import org.junit.jupiter.api.Test;

/** Names, configuration checks and the metatype the container and the web console rely on. */
class ${classPrefix}PluginTest {

    @Test
    void namesAreValidPidParts() {
        for (SourcePlugin plugin : new SourcePlugin[] {new ${classPrefix}Plugin(), new ${classPrefix}StreamPlugin(),
                new ${classPrefix}ListenPlugin()}) {
            assertTrue(plugin.name().matches("[a-z0-9_]+"), plugin.name());
        }
    }

    @Test
    void aBadUrlIsRefusedNamingTheKeyButNotTheValue() throws Exception {
        String secret = "s3cr3t";
        var config = InputConfigs.of(new ${classPrefix}Plugin(), "main",
                Map.of("orgid", "org1", "url", "ftp://user:" + secret + "@feeds.example/list"));

        InvalidConfigException refused = assertThrows(InvalidConfigException.class,
                () -> new ${classPrefix}Plugin().open(config));

        assertEquals("url", refused.key());
        assertFalse(refused.getMessage().contains(secret), refused.getMessage());
    }

    @Test
    void aMissingUrlIsRefused() throws Exception {
        var config = InputConfigs.of(new ${classPrefix}StreamPlugin(), "live", Map.of("orgid", "org1"));

        assertEquals("url", assertThrows(InvalidConfigException.class,
                () -> new ${classPrefix}StreamPlugin().open(config)).key());
    }

    @Test
    void theContainerEnforcesTheMetatypeBeforeOpen() {
        // InputConfigs runs the container's validator: min/max, types and unknown keys come from the metatype
        assertEquals("max_line_length: must be at least 16, got '8'", assertThrows(InvalidConfigException.class,
                () -> InputConfigs.of(new ${classPrefix}Plugin(), "main", Map.of("orgid", "org1",
                        "url", "https://feeds.example/list", "max_line_length", "8"))).getMessage());
        assertTrue(assertThrows(InvalidConfigException.class, () -> InputConfigs.of(new ${classPrefix}Plugin(),
                "main", Map.of("orgid", "org1", "url", "https://feeds.example/list", "max_line_lenght", "100")))
                .getMessage().contains("did you mean max_line_length?"));
    }

    @Test
    void metatypeIsDesignatedForTheFactoryPids() throws Exception {
        // bnd writes it before the tests run; the PID is what ties .cfg files to the plugin.
        assertDesignated(${classPrefix}Plugin.Config.class, ${classPrefix}Plugin.PID, "url", "api_key",
                "max_line_length");
        assertDesignated(${classPrefix}StreamPlugin.Config.class, ${classPrefix}StreamPlugin.PID, "url",
                "checkpoint_every");
        assertDesignated(${classPrefix}ListenPlugin.Config.class, ${classPrefix}ListenPlugin.PID, "host", "port",
                "max_connections", "max_line_bytes", "idle_timeout");
    }

    @Test
    void aListenerPortOutOfRangeIsRefusedNamingTheKey() throws Exception {
        // the metatype's max, enforced by the container before open
        assertEquals("port", assertThrows(InvalidConfigException.class, () -> InputConfigs.of(
                new ${classPrefix}ListenPlugin(), "lines", Map.of("orgid", "org1", "port", "70000"))).key());
    }

    private void assertDesignated(Class<?> config, String pid, String... keys) throws Exception {
        String name = "/OSGI-INF/metatype/" + config.getName() + ".xml";
        try (InputStream xml = getClass().getResourceAsStream(name)) {
            assertNotNull(xml, name);
            String text = new String(xml.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(text.contains("<Designate factoryPid=\"" + pid + "\">"), text);
            for (String key : keys) {
                assertTrue(text.contains("<AD id=\"" + key + "\""), key);
            }
        }
    }
}
