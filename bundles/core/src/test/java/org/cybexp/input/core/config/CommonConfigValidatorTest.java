package org.cybexp.input.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;

import org.cybexp.input.core.reference.ValueReferences;
import org.cybexp.input.api.InputConfig;
import org.cybexp.input.api.InvalidConfigException;
import org.cybexp.input.api.SourceInput;
import org.cybexp.input.api.SourcePlugin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommonConfigValidatorTest {

    private static final String SECRET = "s3cr3t-T0KEN-value";

    @TempDir
    Path dir;

    private final Map<String, String> environment = new HashMap<>(Map.of("FEED_KEY", SECRET));
    private final CommonConfigValidator validator = new CommonConfigValidator(new ValueReferences(environment::get));

    private static final SourcePlugin PLUGIN = new SourcePlugin() {
        @Override
        public String name() {
            return "openphish";
        }

        @Override
        public SourceInput open(InputConfig config) {
            return ctx -> { };
        }

        @Override
        public String defaultTypetag() {
            return "openphish-file-feed";
        }

        @Override
        public long defaultPeriodSeconds() {
            return 900;
        }
    };

    private static final SourcePlugin NO_TYPETAG_PLUGIN = new SourcePlugin() {
        @Override
        public String name() {
            return "http";
        }

        @Override
        public SourceInput open(InputConfig config) {
            return ctx -> { };
        }
    };

    private InputConfig validate(Object... keyValues) throws InvalidConfigException {
        return validator.validate(PLUGIN, "main", map(keyValues));
    }

    private static Map<String, Object> map(Object... keyValues) {
        Map<String, Object> properties = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.put((String) keyValues[i], keyValues[i + 1]);
        }
        return properties;
    }

    private InvalidConfigException refused(Object... keyValues) {
        return assertThrows(InvalidConfigException.class, () -> validate(keyValues));
    }

    @Test
    void defaultsComeFromThePluginAndTheInstanceName() throws Exception {
        InputConfig config = validate("orgid", "org1");
        assertEquals("main", config.name());
        assertEquals("openphish", config.plugin());
        assertEquals("openphish-file-feed", config.typetag());
        assertEquals(ZoneId.of("UTC"), config.timezone());
        assertEquals(Duration.ofSeconds(900), config.period());
        assertTrue(config.enabled());
    }

    @Test
    void readsEveryCommonKey() throws Exception {
        InputConfig config = validate("name", "feed.1", "orgid", "org1", "typetag", "custom", "timezone",
                "America/Chicago", "period", "60", "enabled", "false");
        assertEquals("feed.1", config.name());
        assertEquals("custom", config.typetag());
        assertEquals(ZoneId.of("America/Chicago"), config.timezone());
        assertEquals(Duration.ofMinutes(1), config.period());
        assertFalse(config.enabled());
    }

    @Test
    void acceptsTheOriginalAliasesAndFillsTheCanonicalKeys() throws Exception {
        InputConfig config = validate("human_name", "legacy", "orgid", "org1", "archive_processing_typetag",
                "misp-api", "seconds_between_fetches", 120L, "input_plugin_name", "openphish");
        assertEquals("legacy", config.name());
        assertEquals("misp-api", config.typetag());
        assertEquals(Duration.ofSeconds(120), config.period());
        assertEquals("120", config.get("period").orElseThrow());
    }

    @Test
    void refusesBadNames() {
        assertEquals("name", refused("name", "../etc", "orgid", "o").key());
        assertEquals("name", refused("name", "-x", "orgid", "o").key());
        assertEquals("name", refused("name", "a".repeat(65), "orgid", "o").key());
    }

    @Test
    void requiresOrgidAndATypetagWhenThePluginHasNone() {
        assertEquals("orgid", refused("name", "x").key());
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> validator.validate(NO_TYPETAG_PLUGIN, "x", map("orgid", "o")));
        assertEquals("typetag", e.key());
    }

    @Test
    void timezoneErrorGivesAnExample() {
        InvalidConfigException e = refused("orgid", "o", "timezone", "Mars/Olympus");
        assertEquals("timezone", e.key());
        assertTrue(e.getMessage().contains("UTC"), e.getMessage());
    }

    @Test
    void periodMustBeWholeSecondsNotNegative() {
        assertEquals("period", refused("orgid", "o", "period", "1.5").key());
        assertEquals("period", refused("orgid", "o", "period", "-1").key());
        assertEquals("seconds_between_fetches", refused("orgid", "o", "seconds_between_fetches", "x").key());
    }

    @Test
    void enabledMustBeABoolean() {
        assertEquals("enabled", refused("orgid", "o", "enabled", "maybe").key());
    }

    @Test
    void pluginNameMustMatch() {
        assertEquals("input_plugin_name", refused("orgid", "o", "input_plugin_name", "phishtank").key());
    }

    @Test
    void checksTheCoreKeys() {
        assertEquals("min_interval", refused("orgid", "o", "min_interval", "-5").key());
        assertEquals("verify_tls", refused("orgid", "o", "verify_tls", "perhaps").key());
        assertEquals("proxy", refused("orgid", "o", "proxy", "socks://h").key());
        assertEquals("ca_file", refused("orgid", "o", "ca_file", dir.resolve("none.pem").toString()).key());
        assertEquals("http_timeout", refused("orgid", "o", "http_timeout", "0").key());
    }

    @Test
    void resolvesEnvironmentAndFileReferencesInEveryString() throws Exception {
        Path file = Files.writeString(dir.resolve("token"), "  file-secret\n");
        InputConfig config = validate("orgid", "${env:FEED_KEY}", "api_key", "${file:" + file + "}",
                "url", "https://h/x?k=${env:FEED_KEY}", "orgs", new String[] {"a", "${env:FEED_KEY}"});
        assertEquals(SECRET, config.orgid());
        assertEquals("file-secret", config.get("api_key").orElseThrow());
        assertEquals("https://h/x?k=" + SECRET, config.get("url").orElseThrow());
        assertEquals("a," + SECRET, config.get("orgs").orElseThrow());
    }

    @Test
    void unresolvableReferencesNameTheKeyNotTheValue() throws Exception {
        InvalidConfigException env = refused("orgid", "o", "api_key", "${env:MISSING_VAR}");
        assertEquals("api_key", env.key());
        assertTrue(env.getMessage().contains("MISSING_VAR"));

        InvalidConfigException file = refused("orgid", "o", "token", "${file:" + dir.resolve("absent") + "}");
        assertEquals("token", file.key());

        // a later error must not quote the resolved secret either
        InvalidConfigException later = refused("orgid", "o", "api_key", "${env:FEED_KEY}", "period", "x");
        assertFalse(later.getMessage().contains(SECRET));
        assertFalse(env.getMessage().contains(SECRET) || file.getMessage().contains(SECRET));
    }

    @Test
    void dropsBookkeepingKeys() throws Exception {
        InputConfig config = validate("orgid", "o", "service.pid", "p", "service.factoryPid", "f",
                "felix.fileinstall.filename", "file:/x.cfg", "service.bundleLocation", "?", "url", "u");
        assertEquals(Map.of("orgid", "o", "url", "u"), config.properties());
    }
}
