package org.cybexp.input.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class MetricsServletTest {

    @Test
    void loopbackAddressesAreRecognisedOthersNot() {
        assertTrue(MetricsServlet.loopback("127.0.0.1"));
        assertTrue(MetricsServlet.loopback("::1"));
        assertFalse(MetricsServlet.loopback("192.0.2.7"));
        assertFalse(MetricsServlet.loopback(null));
    }

    @Test
    void aTypedSecretNeverComesBackInAnError() {
        assertEquals("api_key: too short: '****'", InputsPage.hide("api_key: too short: 's3cr3t'", List.of("s3cr3t")));
    }
}
