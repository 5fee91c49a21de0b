package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.lang.reflect.Method;
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
        for (SourcePlugin plugin : new SourcePlugin[] {new ${classPrefix}Plugin(),
#if( $streaming == "true" )
                new ${classPrefix}StreamPlugin(),
#end
#if( $listener == "true" )
                new ${classPrefix}ListenPlugin(),
#end
        }) {
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

#if( $streaming == "true" )
    @Test
    void aMissingUrlIsRefused() throws Exception {
        var config = InputConfigs.of(new ${classPrefix}StreamPlugin(), "live", Map.of("orgid", "org1"));

        assertEquals("url", assertThrows(InvalidConfigException.class,
                () -> new ${classPrefix}StreamPlugin().open(config)).key());
    }
#end

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
        assertDesignated(${classPrefix}Plugin.Config.class, ${classPrefix}Plugin.PID);
#if( $streaming == "true" )
        assertDesignated(${classPrefix}StreamPlugin.Config.class, ${classPrefix}StreamPlugin.PID);
#end
#if( $listener == "true" )
        assertDesignated(${classPrefix}ListenPlugin.Config.class, ${classPrefix}ListenPlugin.PID);
#end
    }

#if( $listener == "true" )
    @Test
    void aListenerPortOutOfRangeIsRefusedNamingTheKey() {
        // the bound is the metatype's: the container refuses it before open
        assertEquals("port", assertThrows(InvalidConfigException.class, () -> InputConfigs.of(
                new ${classPrefix}ListenPlugin(), "lines", Map.of("orgid", "org1", "port", "70000"))).key());
    }
#end

    /** The metatype bnd wrote declares every element of the Config annotation, under its key, and nothing else. */
    private void assertDesignated(Class<?> config, String pid) throws Exception {
        String name = "/OSGI-INF/metatype/" + config.getName() + ".xml";
        try (InputStream xml = getClass().getResourceAsStream(name)) {
            assertNotNull(xml, name);
            String text = new String(xml.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(text.contains("<Designate factoryPid=\"" + pid + "\">"), text);
            Method[] elements = config.getDeclaredMethods();
            for (Method element : elements) {
                assertTrue(text.contains("<AD id=\"" + key(element) + "\""), key(element) + " in " + text);
            }
            assertEquals(elements.length, text.split("<AD ", -1).length - 1, text);
        }
    }

    /** The OSGi rule from an annotation element to a key: {@code __} is {@code _}, a single {@code _} a dot. */
    private static String key(Method element) {
        return element.getName().replace("__", "\0").replace('_', '.').replace('\0', '_');
    }
}
