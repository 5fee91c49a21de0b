package org.cybexp.input.source.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The counting mode (MISP): every repair counted, nothing remembered, any amount of junk. */
class Utf8RepairTest {

    /** Hands out at most one byte per read, so that every sequence is split across reads. */
    private static InputStream trickle(byte[] data) {
        return new ByteArrayInputStream(data) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 1));
            }
        };
    }

    private static byte[] repair(InputStream in) throws IOException {
        try (Utf8Repair repair = Utf8Repair.counting(in)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            repair.transferTo(out);
            return out.toByteArray();
        }
    }

    private static void assertValidUtf8(byte[] bytes) {
        assertDoesNotThrow(() -> StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)));
    }

    @Test
    void validTextPassesUnchangedEvenWhenEverySequenceIsSplit() throws IOException {
        byte[] text = "ascii, Käse, Ελληνικά, 漢字, emoji 😀, U+FFFD \uFFFD itself"
                .getBytes(StandardCharsets.UTF_8);

        assertArrayEquals(text, repair(new ByteArrayInputStream(text)));
        assertArrayEquals(text, repair(trickle(text)));
    }

    @Test
    void invalidBytesBecomeReplacementCharactersAndAreCounted() throws IOException {
        byte[] bad = {'a', (byte) 0xC3, '(', (byte) 0xFF, 'b'};
        Utf8Repair repair = Utf8Repair.counting(new ByteArrayInputStream(bad));

        byte[] out = repair.readAllBytes();

        assertEquals("a\uFFFD(\uFFFDb", new String(out, StandardCharsets.UTF_8));
        assertEquals(2, repair.replacements());
    }

    @Test
    void overlongsSurrogatesAndTruncatedSequencesAreReplaced() throws IOException {
        byte[][] cases = {
            {(byte) 0xC0, (byte) 0xAF},                           // overlong '/'
            {(byte) 0xE0, (byte) 0x80, (byte) 0xAF},              // overlong 3-byte
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80},              // UTF-16 surrogate
            {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // above U+10FFFF
            {'x', (byte) 0xE2, (byte) 0x82},                      // cut short at the end
        };
        for (byte[] bad : cases) {
            byte[] out = repair(trickle(bad));
            assertValidUtf8(out);
            assertTrue(new String(out, StandardCharsets.UTF_8).contains("\uFFFD"));
        }
    }

    @Test
    void randomBytesAlwaysComeOutValidAndValidPartsSurvive() throws IOException {
        Random random = new Random(7);
        for (int round = 0; round < 200; round++) {
            byte[] noise = new byte[random.nextInt(3000)];
            random.nextBytes(noise);
            byte[] whole = repair(new ByteArrayInputStream(noise));
            byte[] split = repair(trickle(noise));

            assertValidUtf8(whole);
            assertArrayEquals(whole, split, "the result must not depend on how reads split the input");
            // The JDK decoder keeps exactly the same valid characters (it may merge adjacent replacements).
            String jdk = new String(noise, StandardCharsets.UTF_8).replace("\uFFFD", "");
            assertEquals(jdk, new String(whole, StandardCharsets.UTF_8).replace("\uFFFD", ""));
        }
    }

    @Test
    void largeInputsStreamThrough() throws IOException {
        byte[] big = "{\"comment\":\"ünïcödé\"}\n".repeat(20_000).getBytes(StandardCharsets.UTF_8);

        assertArrayEquals(big, repair(new ByteArrayInputStream(big)));
    }

    @Test
    void aCountingStreamRepairsAnyAmountAndRemembersNothing() throws IOException {
        byte[] binary = new byte[Utf8Repair.MAX_PENDING_REPLACEMENTS + 10];
        java.util.Arrays.fill(binary, (byte) 0xFF);
        try (Utf8Repair repair = Utf8Repair.counting(new ByteArrayInputStream(binary))) {
            assertEquals(3L * binary.length, repair.readAllBytes().length);
            assertEquals(binary.length, repair.replacements());
            org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> repair.replacedBetween(0, 1));
        }
    }
}
