package org.cybexp.input.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** What {@code deadletters list/show/replay/purge} print. */
class DeadLetterTextTest {

    @Test
    void listHasOneAlignedRowPerDeadLetter() {
        List<String> lines = DeadLetterText.list(answer("{\"ok\":true,\"deadletters\":["
                + "{\"id\":\"main/00000000000000000001\",\"input\":\"main\",\"status\":400,\"message\":\"Invalid input\","
                + "\"at\":\"2026-02-01T08:00:00.123Z\",\"size\":38,\"typetag\":\"openphish-file-feed\"},"
                + "{\"id\":\"UNR%20Cowrie/00000000000000000002\",\"input\":\"UNR Cowrie\",\"status\":422,"
                + "\"message\":\"bad\\nline\",\"at\":null,\"size\":-1,\"typetag\":\"\"}]}")).lines().toList();

        assertEquals("ID                                 INPUT       STATUS  REFUSED-AT            SIZE  TYPETAG"
                + "              MESSAGE", lines.get(0));
        assertTrue(lines.get(1).matches("main/00000000000000000001\\s+main\\s+400\\s+2026-02-01T08:00:00Z\\s+38\\s+"
                + "openphish-file-feed\\s+Invalid input"), lines.get(1));
        assertTrue(lines.get(2).matches("UNR%20Cowrie/00000000000000000002\\s+UNR Cowrie\\s+422\\s+-\\s+-1\\s+-\\s+"
                + "bad line"), lines.get(2));
    }

    @Test
    void emptyListSaysSo() {
        assertEquals("no dead letters\n", DeadLetterText.list(answer("{\"ok\":true,\"deadletters\":[]}")));
    }

    @Test
    void showGivesTheFieldsThenTheContent() {
        String text = DeadLetterText.show(answer("{\"ok\":true,\"deadletter\":{\"id\":\"main/00000000000000000001\","
                + "\"input\":\"main\",\"status\":400,\"message\":\"Invalid input\",\"at\":\"2026-02-01T08:00:00Z\","
                + "\"size\":5000,\"typetag\":\"t\",\"orgid\":\"o\",\"timezone\":\"UTC\",\"media_type\":\"text/plain\","
                + "\"file\":\"/d/main/00000000000000000001.evt\",\"binary\":false,\"body\":\"https://a.example/\","
                + "\"body_bytes\":2048,\"truncated\":true}}"));

        assertEquals("""
                id:       main/00000000000000000001
                input:    main
                refused:  2026-02-01T08:00:00Z  400 Invalid input
                typetag:  t
                orgid:    o
                timezone: UTC
                event:    5000 bytes, text/plain
                file:     /d/main/00000000000000000001.evt
                --- first 2048 bytes ---
                https://a.example/
                --- (more in the file) ---
                """, text);
    }

    @Test
    void binaryContentIsNotPrinted() {
        String text = DeadLetterText.show(answer("{\"ok\":true,\"deadletter\":{\"id\":\"a/1\",\"binary\":true,"
                + "\"body\":null,\"size\":4}}"));
        assertTrue(text.endsWith("--- binary content, not shown: see the file ---\n"), text);
        assertFalse(text.contains("null"), text);
    }

    @Test
    void replayAndPurgeSayWhatTheyDid() {
        assertEquals("replayed 1 dead letter: main/1\n", DeadLetterText.done("replayed", List.of("main/1")));
        assertEquals("no dead letters purged\n", DeadLetterText.done("purged", List.of()));
        List<Object> many = List.of("a/1", "a/2", "a/3", "a/4", "a/5", "a/6", "a/7", "a/8", "a/9", "a/10", "a/11",
                "a/12");
        assertEquals("purged 12 dead letters: a/1 a/2 a/3 a/4 a/5 a/6 a/7 a/8 a/9 a/10 ... (2 more)\n",
                DeadLetterText.done("purged", many));
    }

    private static DaemonClient.Answer answer(String line) {
        @SuppressWarnings("unchecked")
        Map<String, Object> body = (Map<String, Object>) Json.parse(line);
        return new DaemonClient.Answer(line, body);
    }
}
