package org.cybexp.input.source.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.cybexp.input.api.Secret;
import org.junit.jupiter.api.Test;

/** Passwords are masked wherever a connection's text may show them. */
class ConnectionSecretsTest {

    @Test
    void passwordsInsideTheUrlAreMasked() {
        assertEquals("jdbc:postgresql://db/x?user=a&password=***&ssl=true",
                ConnectionSecrets.maskUrl("jdbc:postgresql://db/x?user=a&password=s3cr%40t&ssl=true"));
        assertEquals("jdbc:sqlserver://db;user=a;password=***;encrypt=true",
                ConnectionSecrets.maskUrl("jdbc:sqlserver://db;user=a;password=hunter2;encrypt=true"));
        assertEquals("jdbc:mysql://app:***@db:3306/x", ConnectionSecrets.maskUrl("jdbc:mysql://app:pa55@db:3306/x"));
        assertEquals("jdbc:sqlite:/var/lib/sensor.db", ConnectionSecrets.maskUrl("jdbc:sqlite:/var/lib/sensor.db"));
    }

    @Test
    void messagesLoseThePasswordKeyAndTheUrlsPassword() {
        ConnectionSecrets secrets = new ConnectionSecrets("jdbc:postgresql://db/x?password=s3cr%40t", "u",
                Secret.of("keyed-secret"));
        String masked = secrets.mask("connecting to jdbc:postgresql://db/x?password=s3cr%40t failed: keyed-secret "
                + "and s3cr@t were refused");
        assertFalse(masked.contains("keyed-secret") || masked.contains("s3cr"), masked);
        assertEquals("connecting to jdbc:postgresql://db/x?password=*** failed: *** and *** were refused", masked);
    }
}
