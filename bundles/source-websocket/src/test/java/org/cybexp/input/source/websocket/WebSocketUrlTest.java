package org.cybexp.input.source.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WebSocketUrlTest {

    @Test
    void displayMasksUserInfoAndQuery() throws Exception {
        WebSocketUrl url = WebSocketUrl.parse("url", "wss://cybex:pw@relay.example:8443/cowrie?token=abc&x=1");
        assertEquals("wss://***@relay.example:8443/cowrie?***", url.display());
        assertEquals("wss://***@relay.example:8443/cowrie?***", url.toString());
        assertTrue(url.secure());
    }

    @Test
    void maskHidesTheSecretsInAnyText() throws Exception {
        WebSocketUrl url = WebSocketUrl.parse("url", "ws://relay.example/?token=abc123");
        String masked = url.mask("failed: ws://relay.example/?token=abc123 (token=abc123)");
        assertFalse(masked.contains("abc123"), masked);
    }

    @Test
    void theSchemeIsNormalisedToLowerCase() throws Exception {
        assertEquals("ws://relay.example:3232", WebSocketUrl.parse("url", " WS://relay.example:3232 ").display());
        assertFalse(WebSocketUrl.parse("url", "ws://relay.example/").secure());
    }
}
