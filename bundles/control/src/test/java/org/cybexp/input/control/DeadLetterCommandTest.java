package org.cybexp.input.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

/** What {@code deadletters show} lets through to a terminal. */
class DeadLetterCommandTest {

    @Test
    void utf8TextIsShownAsIs() {
        byte[] text = "https://é.example/\tok\r\n".getBytes(StandardCharsets.UTF_8);
        assertEquals("https://é.example/\tok\r\n", DeadLetterCommand.text(text, false));
    }

    @Test
    void aCharacterCutByTheLimitIsDroppedNotTakenForBinary() {
        byte[] full = "ab€".getBytes(StandardCharsets.UTF_8); // € is 3 bytes
        assertEquals("ab", DeadLetterCommand.text(Arrays.copyOf(full, 4), true));
        assertEquals("ab", DeadLetterCommand.text(Arrays.copyOf(full, 3), true));
    }

    @Test
    void binaryIsNotShown() {
        assertNull(DeadLetterCommand.text(new byte[] {0x50, 0x4b, 0x03, 0x04, 0x14, 0}, false), "a zip");
        assertNull(DeadLetterCommand.text(new byte[] {(byte) 0x1f, (byte) 0x8b, 8, 0}, false), "a gzip");
        assertNull(DeadLetterCommand.text("a\u001b[2Jb".getBytes(StandardCharsets.UTF_8), false),
                "terminal escapes");
        assertNull(DeadLetterCommand.text(new byte[] {'a', (byte) 0xff, 'b'}, false), "not UTF-8");
    }
}
