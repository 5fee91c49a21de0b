package org.cybexp.input.source.misp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** Events over max_event_bytes are passed over with their size; those that fit are posted whole. */
class LargeEventTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BEFORE = "11111111-1111-4111-8111-111111111111";
    private static final String LARGE = "22222222-2222-4222-8222-222222222222";
    private static final String AFTER = "33333333-3333-4333-8333-333333333333";
    private static final long MIB = 1 << 20;

    @Test
    void anEventOverTheLimitIsPassedOverAndTheNextOneIsRead() throws IOException {
        try (MispEventStream stream = MispEventStream.open(
                LargeMispEvent.downloadAround(BEFORE, LARGE, AFTER, 1700000002, 20 * MIB), 2 * MIB)) {
            assertEquals(BEFORE, ((MispEvent) stream.next()).uuid());
            MispElement.TooLarge large = assertInstanceOf(MispElement.TooLarge.class, stream.next());
            assertTrue(large.reason().matches("event " + LARGE + " is 2097\\d{4} bytes, over max_event_bytes "
                    + "\\(2097152\\)"), large.reason());
            assertEquals(1700000002, large.timestamp(), "a cursor can move past it");
            assertTrue(new String(large.sample(), StandardCharsets.US_ASCII).startsWith("{\"Event\": {\"info\""));
            assertEquals(AFTER, ((MispEvent) stream.next()).uuid());
            assertNull(stream.next());
        }
    }

    @Test
    void aSingleEventOverTheLimitIsReportedAndTheDocumentStillChecked() throws IOException {
        try (MispEventStream stream = MispEventStream.open(LargeMispEvent.document(LARGE, 1700000003, 3 * MIB),
                MIB)) {
            assertEquals(MispEventStream.Shape.SINGLE_EVENT, stream.shape());
            assertInstanceOf(MispElement.TooLarge.class, stream.next());
            assertNull(stream.next());
        }
        try (MispEventStream stream = MispEventStream.open(LargeMispEvent.document(LARGE, 1700000003, 3 * MIB),
                MIB)) {
            assertEquals(1, stream.count());
        }
    }

    @Test
    void anEventUnderTheLimitIsPostedWholeAndCompact() throws IOException {
        byte[] source;
        try (var in = LargeMispEvent.document(LARGE, 1700000003, 3 * MIB)) {
            source = in.readAllBytes();
        }
        try (MispEventStream stream = MispEventStream.open(new java.io.ByteArrayInputStream(source), 4 * MIB)) {
            MispEvent event = (MispEvent) stream.next();
            JsonNode posted = JSON.readTree(event.json());
            assertEquals(JSON.readTree(source), posted);
            assertArrayEquals(JSON.writeValueAsBytes(posted), event.json(), "compact, as Jackson writes it");
            assertEquals(LARGE + ":1700000003", event.uuid() + ":" + event.timestamp());
        }
    }

    @Test
    void theDefaultLimitIsAShareOfTheHeap() {
        long limit = MispEventStream.defaultMaxEventBytes();
        assertEquals(Math.max(MIB, Runtime.getRuntime().maxMemory() / 16), limit);
    }
}
