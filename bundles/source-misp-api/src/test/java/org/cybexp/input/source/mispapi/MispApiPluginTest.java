package org.cybexp.input.source.mispapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import org.cybexp.input.api.InputConfig;
import org.cybexp.input.api.InvalidConfigException;
import org.cybexp.input.testkit.InMemoryInputStore;
import org.cybexp.input.testkit.InputConfigs;
import org.cybexp.input.testkit.TestClock;
import org.junit.jupiter.api.Test;

/** The configuration checks: each bad value refused naming its key, never repeating a secret. */
class MispApiPluginTest {

    private static final String KEY = "0123456789abcdefghijABCDEFGHIJ0123456789";

    private static Map<String, Object> config(String... keyValues) {
        Map<String, Object> properties = new HashMap<>(Map.of("orgid", "org1", "url", "https://misp.example.org",
                "api_key", KEY));
        for (int i = 0; i < keyValues.length; i += 2) {
            if (keyValues[i + 1] == null) {
                properties.remove(keyValues[i]);
            } else {
                properties.put(keyValues[i], keyValues[i + 1]);
            }
        }
        return properties;
    }

    private static InvalidConfigException refused(String... keyValues) {
        return assertThrows(InvalidConfigException.class,
                () -> new MispApiPlugin().open(InputConfigs.of(new MispApiPlugin(), "main", config(keyValues))));
    }

    @Test
    void namesAndDefaultsFollowTheDesign() throws Exception {
        MispApiPlugin plugin = new MispApiPlugin();
        assertEquals("misp_api", plugin.name());
        assertEquals("cybexp.source.misp_api", MispApiPlugin.PID);
        assertEquals("misp-api", plugin.defaultTypetag());
        assertEquals(900, plugin.defaultPeriodSeconds());
        assertEquals(Duration.ofSeconds(900), InputConfigs.of(plugin, "main", config()).period());
    }

    @Test
    void theEndpointIsRestSearchUnderTheBaseUrl() throws Exception {
        assertEquals(URI.create("https://misp.example.org/events/restSearch"),
                MispApiPlugin.restSearchUri("https://misp.example.org"));
        assertEquals(URI.create("https://misp.example.org:8443/misp/events/restSearch"),
                MispApiPlugin.restSearchUri(" https://misp.example.org:8443/misp/ "));
        assertEquals(URI.create("http://10.0.0.5/events/restSearch"),
                MispApiPlugin.restSearchUri("http://10.0.0.5/events/restSearch"));
    }

    @Test
    void badValuesAreRefusedNamingTheKey() {
        assertEquals("url: is required", refused("url", null).getMessage());
        assertEquals("url: must be an http or https URL", refused("url", "ftp://misp.example.org").getMessage());
        assertEquals("url: has no host", refused("url", "https:///x").getMessage());
        assertEquals("url: must not hold credentials; give the key in api_key",
                refused("url", "https://admin:hunter2@misp.example.org").getMessage());
        assertEquals("url: must be the server's base URL, without ? or #",
                refused("url", "https://misp.example.org/?key=abc").getMessage());
        assertEquals("api_key: is required", refused("api_key", null).getMessage());
        assertEquals("limit: must be at least 1, got '0'", refused("limit", "0").getMessage());
        assertEquals("limit: must be at most 5000, got '5001'", refused("limit", "5001").getMessage());
        assertEquals("limit: must be a whole number, got 'many'", refused("limit", "many").getMessage());
        assertEquals("initial_lookback: must be a duration like 30d, 12h, 90m, 2w, seconds, or all; got 'a month'",
                refused("initial_lookback", "a month").getMessage());
        assertEquals("published: must be one of any, true, false, got 'sometimes'",
                refused("published", "sometimes").getMessage());
        // not a key of the plugin nor of the core: refused by the container before the plugin's own hint
        assertTrue(refused("client_key", "/etc/misp/client.key").getMessage()
                .startsWith("client_key: is not a key of plugin misp_api (did you mean client_cert?)"));
        assertEquals("client_cert: '/etc/misp/none.p12' is not a readable PKCS#12 file",
                refused("client_cert", "/etc/misp/none.p12").getMessage());
    }

    @Test
    void aKeyWithALineBreakIsRefusedWithoutRepeatingIt() {
        String broken = KEY + "\nX-Injected: yes";

        InvalidConfigException refused = refused("api_key", broken);

        assertEquals("api_key: must be one word without spaces or line breaks", refused.getMessage());
        assertFalse(refused.getMessage().contains(KEY));
    }

    @Test
    void aDisabledExampleMayLeaveTheKeyEmpty() throws Exception {
        assertTrue(new MispApiPlugin().open(InputConfigs.of(new MispApiPlugin(), "main",
                config("api_key", null, "enabled", "false"))) instanceof MispApiInput);
    }

    @Test
    void theLookBackAcceptsDurationsAndAll() throws Exception {
        TestClock clock = TestClock.at("2024-05-30T00:00:00Z");
        long now = clock.instant().getEpochSecond();
        assertEquals(now - 30 * 86400, Lookback.parse("30d").from(clock));
        assertEquals(now - 12 * 3600, Lookback.parse(" 12h ").from(clock));
        assertEquals(now - 90 * 60, Lookback.parse("90m").from(clock));
        assertEquals(now - 14 * 86400, Lookback.parse("2w").from(clock));
        assertEquals(now - 3600, Lookback.parse("3600").from(clock));
        assertEquals(0, Lookback.parse("ALL").from(clock));
    }

    @Test
    void theStoreOpensAnInputWithTheDefaults() throws Exception {
        InMemoryInputStore store = InMemoryInputStore.builder(new MispApiPlugin())
                .properties(config()).build();
        assertEquals("misp-api", store.config().typetag());
        assertEquals("MispApiInput[https://misp.example.org/events/restSearch]", store.open().toString());
    }

    @Test
    void theShippedDefaultInputIsValidAndDisabled() throws Exception {
        Properties shipped = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of("../../felix-config/cybexp.source.misp_api-misp_api.cfg"))) {
            shipped.load(in);
        }
        Map<String, Object> properties = new HashMap<>();
        shipped.stringPropertyNames().forEach(key -> properties.put(key, shipped.getProperty(key)));
        InputConfig config = InputConfigs.of(new MispApiPlugin(), "misp_api", properties);

        assertEquals(false, config.enabled());
        assertEquals("misp_api", config.name());
        new MispApiPlugin().open(config);
    }
}
