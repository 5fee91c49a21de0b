package org.cybexp.input.delivery.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class InputFolderTest {

    @Test
    void encodesWhatCouldEscapeOrClashAndDecodesBack() {
        assertEquals("phishtank-main_2", InputFolder.of("phishtank-main_2"));
        assertEquals("UNR%20Cowrie%20Honeypot", InputFolder.of("UNR Cowrie Honeypot"));
        assertEquals("%2E.%2Fetc", InputFolder.of("../etc"));
        assertEquals("a%25b", InputFolder.of("a%b"));
        assertEquals("caf%C3%A9", InputFolder.of("café"));
        for (String name : new String[] {"UNR Cowrie Honeypot", "../etc", "a%b", "café", "x.y"}) {
            assertEquals(name, InputFolder.nameOf(InputFolder.of(name)));
        }
    }
}
