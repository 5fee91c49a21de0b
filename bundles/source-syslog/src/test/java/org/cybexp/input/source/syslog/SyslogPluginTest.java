package org.cybexp.input.source.syslog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Reader;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import org.cybexp.input.api.InputConfig;
import org.cybexp.input.api.InvalidConfigException;
import org.cybexp.input.testkit.InputConfigs;
import org.junit.jupiter.api.Test;

class SyslogPluginTest {

    private static InvalidConfigException refused(String key, String value) {
        return assertThrows(InvalidConfigException.class, () -> new SyslogPlugin().open(
                InputConfigs.of(new SyslogPlugin(), "s", Map.of("orgid", "o", key, value))));
    }

    @Test
    void keysAreCheckedWithTheirNames() {
        assertTrue(refused("protocol", "smtp").getMessage().startsWith("protocol: "), "protocol");
        assertTrue(refused("allowed_senders", "10.0.0.0/33").getMessage().startsWith("allowed_senders: "));
        assertTrue(refused("allowed_senders", "example.com").getMessage().startsWith("allowed_senders: "));
        assertTrue(refused("protocol", "tls").getMessage().startsWith("tls_cert: "), "tls needs a certificate");
        assertTrue(refused("port", "70000").getMessage().startsWith("port: "));
        assertTrue(refused("messages_per_record", "0").getMessage().startsWith("messages_per_record: "));
    }

    @Test
    void theShippedDefaultInputIsValidAndDisabled() throws Exception {
        Properties shipped = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of("../../felix-config/cybexp.source.syslog-syslog.cfg"))) {
            shipped.load(in);
        }
        Map<String, Object> properties = new HashMap<>();
        shipped.stringPropertyNames().forEach(key -> properties.put(key, shipped.getProperty(key)));
        InputConfig config = InputConfigs.of(new SyslogPlugin(), "syslog", properties);
        assertEquals(false, config.enabled());
        assertEquals("syslog", config.typetag());
        new SyslogPlugin().open(config);
    }

    @Test
    void allowedSendersMatchCidrsAndMappedAddresses() throws Exception {
        SenderFilter f = SenderFilter.parse("10.0.0.0/8, 192.0.2.7 ::1/128");
        assertTrue(f.allows(InetAddress.getByName("10.200.1.1")));
        assertTrue(f.allows(InetAddress.getByName("192.0.2.7")));
        assertFalse(f.allows(InetAddress.getByName("192.0.2.8")));
        assertTrue(f.allows(InetAddress.getByName("::1")));
        assertTrue(f.allows(InetAddress.getByAddress(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff,
            (byte) 0xff, 10, 1, 2, 3})), "IPv4-mapped");
        assertFalse(f.allows(InetAddress.getByName("11.0.0.1")));
        assertTrue(SenderFilter.parse("").allows(InetAddress.getByName("203.0.113.9")));
    }
}
