package org.cybexp.input.source.phishtank;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;

import org.cybexp.input.api.InputConfig;
import org.cybexp.input.api.InvalidConfigException;
import org.cybexp.input.testkit.InputConfigs;
import org.junit.jupiter.api.Test;

/** The plugin's keys: defaults, the key in the URL, and what is refused (never showing the key). */
class PhishTankPluginTest {

    private static final String KEY = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    private final PhishTankPlugin plugin = new PhishTankPlugin();

    private InputConfig config(Map<String, Object> keys) throws InvalidConfigException {
        Map<String, Object> all = new HashMap<>(keys);
        all.putIfAbsent("orgid", "org1");
        return InputConfigs.of(plugin, "main", all);
    }

    private PhishTankSettings settings(Map<String, Object> keys) throws InvalidConfigException {
        return PhishTankPlugin.settings(config(keys));
    }

    private InvalidConfigException refused(Map<String, Object> keys) {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> plugin.open(config(keys)));
        assertFalse(e.getMessage().contains(KEY), e.getMessage());
        return e;
    }

    @Test
    void defaultsFollowTheSiteAndCybexP() throws Exception {
        InputConfig config = config(Map.of());
        PhishTankSettings settings = PhishTankPlugin.settings(config);

        assertEquals("phishtank", plugin.name());
        assertEquals("phishtank-api", config.typetag());
        assertEquals(3600, config.period().toSeconds());
        assertEquals(URI.create("https://data.phishtank.com/data/online-valid.json.bz2"), settings.dumpUri());
        assertTrue(settings.appKey().isEmpty());
        assertEquals(DumpFormat.AUTO, settings.format());
        assertEquals("phishtank/cybexp-input", settings.userAgent());
        assertEquals(2L * 1024 * 1024 * 1024, settings.maxDecompressedBytes());
    }

    @Test
    void theKeyGoesIntoTheUrlAndIsMaskedWhereverItIsShown() throws Exception {
        PhishTankSettings settings = settings(Map.of("app_key", KEY));

        assertEquals(URI.create("https://data.phishtank.com/data/" + KEY + "/online-valid.json.bz2"),
                settings.dumpUri());
        assertEquals("https://data.phishtank.com/data/***/online-valid.json.bz2", settings.displayUri());
        assertEquals("GET https://data.phishtank.com/data/***/online-valid.json.bz2", settings.request().toString());
        assertFalse(settings.toString().contains(KEY), settings.toString());
        assertFalse(plugin.open(config(Map.of("app_key", KEY))).toString().contains(KEY));
        assertFalse(config(Map.of("app_key", KEY)).toString().contains(KEY));
        assertTrue(settings.request().isConditional());
        assertEquals(Map.of("User-Agent", "phishtank/cybexp-input"), settings.request().headers());
    }

    @Test
    void otherUrlsFormatsAndLimitsAreAccepted() throws Exception {
        PhishTankSettings settings = settings(Map.of("url", "file:///srv/phishtank/online-valid.json.gz",
                "format", "GZ", "user_agent", "phishtank/alice", "max_decompressed_bytes", "1000", "period", "300", "allowed_file_roots", "/srv/phishtank"));

        assertEquals(URI.create("file:///srv/phishtank/online-valid.json.gz"), settings.dumpUri());
        assertEquals(DumpFormat.GZIP, settings.format());
        assertEquals("phishtank/alice", settings.userAgent());
        assertEquals(1000, settings.maxDecompressedBytes());
        assertEquals(URI.create("http://mirror.example/pt/" + KEY + ".json"), settings(Map.of("app_key", KEY,
                "url", "http://mirror.example/pt/{app_key}.json")).dumpUri());
    }

    @Test
    void aShortPeriodNeedsAKey() throws Exception {
        InvalidConfigException e = refused(Map.of("period", "299"));

        assertEquals("period", e.key());
        assertEquals("period: must be at least 300 s without an app_key: PhishTank allows only a few downloads a "
                + "day without one", e.getMessage());
        assertEquals(60, config(Map.of("period", "60", "app_key", KEY)).period().toSeconds());
        plugin.open(config(Map.of("period", "60", "app_key", KEY)));
    }

    @Test
    void aKeyWithoutAPlaceholderInTheUrlIsRefusedRatherThanIgnored() {
        InvalidConfigException e = refused(Map.of("app_key", KEY,
                "url", "https://data.phishtank.com/data/online-valid.json.bz2"));

        assertEquals("url", e.key());
        assertTrue(e.getMessage().contains("{app_key}"), e.getMessage());
    }

    @Test
    void badValuesAreRefusedNamingTheKey() {
        assertEquals("url", refused(Map.of("url", "ftp://data.phishtank.com/x.json")).key());
        assertEquals("url", refused(Map.of("url", "https:///nohost")).key());
        assertEquals("url", refused(Map.of("url", "file:")).key());
        assertEquals("url", refused(Map.of("url", "http://bad host/{app_key}", "app_key", KEY)).key());
        assertEquals("url: must not hold credentials (user:password@); the key goes in app_key",
                refused(Map.of("url", "https://me:hunter2@data.phishtank.com/data/online-valid.json")).getMessage());
        assertEquals("format", refused(Map.of("format", "xml")).key());
        assertEquals("max_decompressed_bytes", refused(Map.of("max_decompressed_bytes", "0")).key());
        assertEquals("max_decompressed_bytes", refused(Map.of("max_decompressed_bytes", "lots")).key());
        assertEquals("user_agent", refused(Map.of("user_agent", "a\r\nX-Evil: 1")).key());
        InvalidConfigException badKey = refused(Map.of("app_key", KEY + "/../x"));
        assertEquals("app_key", badKey.key());
        assertFalse(badKey.getMessage().contains(KEY));
    }
}
