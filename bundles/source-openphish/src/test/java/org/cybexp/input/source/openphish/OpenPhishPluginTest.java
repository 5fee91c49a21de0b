package org.cybexp.input.source.openphish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;

import org.cybexp.input.api.InputConfig;
import org.cybexp.input.api.InvalidConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OpenPhishPluginTest {

    private final OpenPhishPlugin plugin = new OpenPhishPlugin();

    private static InputConfig config(String url) {
        Map<String, Object> properties = new HashMap<>();
        if (url != null) {
            properties.put("url", url);
        }
        return new InputConfig("openphish", "main", "org1", OpenPhishPlugin.TYPETAG, ZoneOffset.UTC,
                Duration.ofHours(1), true, properties);
    }

    @Test
    void describesItself() {
        assertEquals("openphish", plugin.name());
        assertEquals("openphish-file-feed", plugin.defaultTypetag());
        assertEquals(3600, plugin.defaultPeriodSeconds());
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://openphish.com/feed.txt", "http://127.0.0.1:8080/feed.txt",
            "file:///srv/openphish/feed.txt", "  HTTPS://openphish.com/feed.txt  "})
    void opensHttpHttpsAndFileUrls(String url) throws Exception {
        assertNotNull(plugin.open(config(url)));
    }

    @Test
    void usesTheCommunityFeedByDefault() throws Exception {
        assertTrue(plugin.open(config(null)).toString().contains("https://openphish.com/feed.txt"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://openphish.com/feed.txt", "openphish.com/feed.txt", "https:///feed.txt",
            "http://exa mple.com/", "file:", "mailto:someone@example.com"})
    void refusesOtherUrlsNamingTheKey(String url) {
        InvalidConfigException refused = assertThrows(InvalidConfigException.class, () -> plugin.open(config(url)));

        assertEquals("url", refused.key());
        assertTrue(refused.getMessage().startsWith("url: "), refused.getMessage());
    }

    @Test
    void aUrlWithUserInfoIsRefusedAtOnceWithoutRepeatingIt() {
        InvalidConfigException refused = assertThrows(InvalidConfigException.class,
                () -> plugin.open(config("https://soc:hunter2@feeds.example/feed.txt")));

        assertEquals("url: must not hold credentials (user:password@); the feed needs none, and a private mirror's "
                + "token may go in the query, which is masked", refused.getMessage());
    }

    @Test
    void aTokenInTheQueryIsMaskedWhereTheUrlIsShown() throws Exception {
        String shown = plugin.open(config("https://mirror.example/feed.txt?token=s3cr3t&day=1")).toString();

        assertEquals("OpenPhishInput[https://mirror.example/feed.txt?***]", shown);
    }

    @Test
    void maxFeedBytesMustNotBeNegative() {
        Map<String, Object> properties = new HashMap<>(Map.of("max_feed_bytes", "-1"));
        InvalidConfigException refused = assertThrows(InvalidConfigException.class, () -> plugin.open(
                new InputConfig("openphish", "main", "org1", OpenPhishPlugin.TYPETAG, ZoneOffset.UTC,
                        Duration.ofHours(1), true, properties)));
        assertEquals("max_feed_bytes: must be 0 (a share of the heap) or more, got -1", refused.getMessage());
    }

    @Test
    void theErrorNeverRepeatsTheUrl() {
        String secret = "s3cr3t-key";

        InvalidConfigException refused = assertThrows(InvalidConfigException.class,
                () -> plugin.open(config("ftp://user:" + secret + "@feeds.example/" + secret)));

        assertFalse(refused.getMessage().contains(secret), refused.getMessage());
    }

    @Test
    void metatypeIsDesignatedForTheFactoryPid() throws Exception {
        // bnd writes it at process-classes, before the tests run: guards the PID the manager and FileInstall use.
        String name = "/OSGI-INF/metatype/" + OpenPhishPlugin.Config.class.getName() + ".xml";
        try (InputStream xml = getClass().getResourceAsStream(name)) {
            assertNotNull(xml, name);
            String text = new String(xml.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(text.contains("<Designate factoryPid=\"cybexp.source.openphish\">"), text);
            assertTrue(text.contains("<AD id=\"url\""), text);
            // only the plugin's own keys: the common ones are the core's metatype (cybexp.source.common)
            for (String key : new String[] {"name", "orgid", "typetag", "timezone", "period", "enabled"}) {
                assertFalse(text.contains("<AD id=\"" + key + "\""), key);
            }
        }
    }
}
