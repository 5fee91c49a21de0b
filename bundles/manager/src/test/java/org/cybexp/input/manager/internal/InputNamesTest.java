package org.cybexp.input.manager.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;

import org.junit.jupiter.api.Test;

class InputNamesTest {

    @Test
    void pluginComesFromTheFactoryPid() {
        assertEquals("misp_api", InputNames.pluginOf("cybexp.source.misp_api"));
        assertNull(InputNames.pluginOf("cybexp.api"));
        assertNull(InputNames.pluginOf("cybexp.source."));
        assertNull(InputNames.pluginOf(null));
    }

    @Test
    void nameComesFromTheFileAfterTheFirstDash() {
        Map<String, Object> file = Map.of("felix.fileinstall.filename",
                "file:/opt/cybexp-input/etc/cybexp.source.phishtank-main-eu.cfg");
        assertEquals("main-eu", InputNames.defaultName("cybexp.source.phishtank.1234", file));
        assertEquals("etc/cybexp.source.phishtank-main-eu.cfg", InputNames.origin("x", file));
    }

    @Test
    void nameOfANamedFactoryConfigurationOrThePid() {
        assertEquals("main", InputNames.defaultName("cybexp.source.openphish~main", Map.of()));
        assertEquals("cybexp.source.openphish.42", InputNames.defaultName("cybexp.source.openphish.42", Map.of()));
    }
}
