package org.cybexp.input.source.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The locating mode (PhishTank): repairs counted and their places known, so a reader skips just those records. */
class Utf8RepairLocatingTest {

    private static byte[] repaired(InputStream in) throws IOException {
        try (Utf8Repair repair = Utf8Repair.locating(in)) {
            return repair.readAllBytes();
        }
    }

    /** Hands out one byte per read, so that every sequence is split across reads. */
    private static InputStream trickle(byte[] bytes) {
        return new FilterInputStream(new ByteArrayInputStream(bytes)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, 1));
            }
        };
    }

    private static boolean strictlyValid(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (java.nio.charset.CharacterCodingException e) {
            return false;
        }
    }

    @Test
    void validTextPassesUnchangedEvenWhenSplitIntoSingleBytes() throws IOException {
        byte[] text = "[{\"url\":\"http://xn--pypal-4ve.example/ä€😀\u202e\"}]".getBytes(StandardCharsets.UTF_8);

        assertArrayEquals(text, repaired(new ByteArrayInputStream(text)));
        assertArrayEquals(text, repaired(trickle(text)));
    }

    @Test
    void illFormedSequencesAreReplacedAsTheUnicodeStandardRecommends() throws IOException {
        // Unicode 15, section 3.9, table 3-8: U+FFFD for each maximal subpart
        byte[] example = HexFormat.of().parseHex("61f18080e180c262806380bf64");
        String expected = "a\uFFFD\uFFFD\uFFFDb\uFFFDc\uFFFD\uFFFDd";

        assertEquals(expected, new String(repaired(new ByteArrayInputStream(example)), StandardCharsets.UTF_8));
        assertEquals(expected, new String(repaired(trickle(example)), StandardCharsets.UTF_8));
        // surrogates, overlong forms and code points above U+10FFFF are ill-formed too
        assertEquals("\uFFFD\uFFFD\uFFFDx\uFFFD\uFFFDy\uFFFD\uFFFD\uFFFD\uFFFD", new String(repaired(
                new ByteArrayInputStream(HexFormat.of().parseHex("edb48f78c0af79f4908080"))), StandardCharsets.UTF_8));
    }

    @Test
    void randomBytesComeOutValidWithEveryValidCharacterKept() throws IOException {
        Random random = new Random(42);
        for (int round = 0; round < 2000; round++) {
            byte[] bytes = new byte[random.nextInt(40)];
            random.nextBytes(bytes);
            if (round % 2 == 0) { // bias towards almost-valid sequences
                for (int i = 0; i < bytes.length; i++) {
                    bytes[i] = (byte) (random.nextBoolean() ? 0x80 | (bytes[i] & 0x3F) : bytes[i]);
                }
            }
            byte[] whole = repaired(new ByteArrayInputStream(bytes));
            assertArrayEquals(whole, repaired(trickle(bytes)), "round " + round + ": split reads change nothing");
            assertTrue(strictlyValid(whole), "round " + round);
            // the JDK counts some replacements differently (a surrogate is one); the valid characters agree
            assertEquals(new String(bytes, StandardCharsets.UTF_8).replace("\uFFFD", ""),
                    new String(whole, StandardCharsets.UTF_8).replace("\uFFFD", ""), "round " + round);
        }
    }

    @Test
    void invalidBytesAreReplacedAndTheirOffsetsKnown() throws IOException {
        byte[] bytes = HexFormat.of().parseHex("7b2275726c223a2261ff" + "fe62c328632230227d");
        int bad = indexOf(bytes, (byte) 0xFF);
        try (Utf8Repair repair = Utf8Repair.locating(new ByteArrayInputStream(bytes))) {
            byte[] out = repair.readAllBytes();

            assertEquals(3, repair.replacements(), "FF, FE and C3 (C3 28 is a lead byte without continuation)");
            assertTrue(strictlyValid(out));
            assertFalse(repair.replacedBetween(0, bad), "nothing before the first bad byte");
            assertTrue(repair.replacedBetween(bad, bad + 1));
            assertFalse(repair.replacedBetween(bad + 9, out.length), "three replacements of 3 bytes each, then none");
        }
    }

    @Test
    void textThatIsMostlyInvalidIsRefused() {
        byte[] binary = new byte[Utf8Repair.MAX_PENDING_REPLACEMENTS + 10];
        java.util.Arrays.fill(binary, (byte) 0xFF);

        Utf8Repair.NotTextException e = assertThrows(Utf8Repair.NotTextException.class,
                () -> repaired(new ByteArrayInputStream(binary)));
        assertTrue(e.getMessage().contains("not text"), e.getMessage());
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        throw new AssertionError("not found");
    }
}
