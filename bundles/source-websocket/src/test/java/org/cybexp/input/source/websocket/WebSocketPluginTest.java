package org.cybexp.input.source.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.cybexp.input.api.InvalidConfigException;
import org.cybexp.input.api.SourceInput;
import org.cybexp.input.testkit.InputConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class WebSocketPluginTest {

    private final WebSocketPlugin plugin = new WebSocketPlugin();

    private SourceInput open(Map<String, String> keys) throws InvalidConfigException {
        Map<String, String> properties = new HashMap<>(Map.of("orgid", "org1", "typetag", "unr-honeypot",
                "url", "ws://127.0.0.1:3232/"));
        properties.putAll(keys);
        return plugin.open(InputConfigs.of(plugin, "main", properties));
    }

    @Test
    void describesItself() {
        assertEquals("websocket", plugin.name());
        assertEquals("", plugin.defaultTypetag(), "no default typetag: each input names it");
    }

    @Test
    void theTypetagIsRequired() {
        InvalidConfigException refused = assertThrows(InvalidConfigException.class,
                () -> InputConfigs.of(plugin, "main", Map.of("orgid", "org1", "url", "ws://127.0.0.1:3232/")));
        assertEquals("typetag", refused.key());
    }

    @Test
    void opensAStreamingInputWithTheDefaults() throws Exception {
        SourceInput input = open(Map.of());
        assertEquals(SourceInput.Mode.STREAMING, input.mode());
        WebSocketSettings settings = WebSocketSettings.of(InputConfigs.of(plugin, "main",
                Map.of("orgid", "org1", "typetag", "t", "url", "ws://127.0.0.1:3232/")));
        assertEquals(1, settings.batchSize());
        assertFalse(settings.batching());
        assertEquals(Duration.ofSeconds(15), settings.batchTime());
        assertEquals(1024 * 1024, settings.maxFrameBytes());
        assertEquals(Duration.ofSeconds(30), settings.pingInterval());
        assertEquals(Duration.ofSeconds(10), settings.pingTimeout());
        assertEquals(Duration.ofSeconds(30), settings.connectTimeout());
        assertFalse(settings.dedup());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ws://relay.example:3232/", "wss://relay.example/cowrie", "WS://127.0.0.1:3232",
            "  wss://[::1]:8443/events?token=x  "})
    void opensWsAndWssUrls(String url) throws Exception {
        open(Map.of("url", url));
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://relay.example/", "relay.example:3232", "ws:///path", "ws://exa mple/",
            "ws://relay.example/#frag", "file:///tmp/x", ""})
    void refusesOtherUrlsNamingTheKey(String url) {
        InvalidConfigException refused = assertThrows(InvalidConfigException.class, () -> open(Map.of("url", url)));
        assertEquals("url", refused.key());
    }

    @Test
    void theErrorNeverRepeatsTheUrl() {
        String secret = "s3cr3t-t0ken";
        InvalidConfigException refused = assertThrows(InvalidConfigException.class,
                () -> open(Map.of("url", "http://user:" + secret + "@relay.example/?token=" + secret)));
        assertFalse(refused.getMessage().contains(secret), refused.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"batch_size,0", "batch_size,100001", "batch_seconds,0", "max_frame_bytes,63",
            "max_frame_bytes,67108865", "ping_interval,-1", "ping_timeout,0", "connect_timeout,0",
            "batch_size,ten", "verify_tls,maybe", "dedup,sometimes"})
    void refusesOutOfRangeValuesNamingTheKey(String key, String value) {
        InvalidConfigException refused = assertThrows(InvalidConfigException.class, () -> open(Map.of(key, value)));
        assertEquals(key, refused.key());
    }

    @Test
    void refusesAnUnreadableCaFile() {
        InvalidConfigException refused = assertThrows(InvalidConfigException.class,
                () -> open(Map.of("ca_file", "/nonexistent/ca.pem")));
        assertEquals("ca_file", refused.key());
    }

    @Test
    void pingsCanBeTurnedOff() throws Exception {
        WebSocketSettings settings = WebSocketSettings.of(InputConfigs.of(plugin, "main",
                Map.of("orgid", "org1", "typetag", "t", "url", "ws://h/", "ping_interval", "0")));
        assertFalse(settings.pinging());
    }

    @Test
    void metatypeIsDesignatedForTheFactoryPidWithTheKeysAsUsersWriteThem() throws Exception {
        String name = "/OSGI-INF/metatype/" + WebSocketPlugin.Config.class.getName() + ".xml";
        try (InputStream xml = getClass().getResourceAsStream(name)) {
            String text = new String(xml.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(text.contains("<Designate factoryPid=\"cybexp.source.websocket\">"), text);
            for (String key : new String[] {"url", "batch_size", "batch_seconds", "max_frame_bytes", "ping_interval",
                    "ping_timeout", "connect_timeout", "dedup"}) {
                assertTrue(text.contains("<AD id=\"" + key + "\""), key);
            }
            // the common keys are the core's metatype (cybexp.source.common), not restated by the plugin
            for (String key : new String[] {"name", "orgid", "typetag", "timezone", "enabled", "verify_tls",
                    "ca_file"}) {
                assertFalse(text.contains("<AD id=\"" + key + "\""), key);
            }
        }
    }
}
