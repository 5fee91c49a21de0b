package org.cybexp.input.source.misp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.cybexp.input.api.Event;
import org.junit.jupiter.api.Test;

class MispEventStreamTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String UUID_A = "11111111-2222-4333-8444-555555555555";

    private static MispEventStream open(byte[] document) throws IOException {
        return MispEventStream.open(new ByteArrayInputStream(document));
    }

    private static MispEventStream open(String document) throws IOException {
        return open(document.getBytes(StandardCharsets.UTF_8));
    }

    private static List<MispElement> all(MispEventStream stream) throws IOException {
        List<MispElement> elements = new ArrayList<>();
        MispElement element;
        while ((element = stream.next()) != null) {
            elements.add(element);
        }
        return elements;
    }

    private static List<String> ids(List<MispElement> elements) {
        return elements.stream().filter(MispEvent.class::isInstance).map(MispEvent.class::cast)
                .map(e -> e.uuid() + ":" + e.timestamp()).toList();
    }

    @Test
    void aRestSearchPageGivesEachEventAsItsOwnEventDocument() throws IOException {
        try (MispEventStream stream = open(MispFixtures.bytes("restsearch/response.page1.json"))) {
            assertEquals(MispEventStream.Shape.RESPONSE_LIST, stream.shape());
            List<MispElement> elements = all(stream);

            assertEquals(MispFixtures.eventIds("restsearch/response.page1.json"), ids(elements));
            JsonNode source = JSON.readTree(MispFixtures.bytes("restsearch/response.page1.json")).get("response");
            for (int i = 0; i < elements.size(); i++) {
                MispEvent event = (MispEvent) elements.get(i);
                assertEquals(source.get(i), JSON.readTree(event.json()), "the element, unchanged");
                assertFalse(event.repaired());
            }
            assertNull(stream.next(), "the end stays the end");
        }
    }

    @Test
    void anEventBecomesAnEventDedupedOnUuidAndTimestamp() throws IOException {
        byte[] file = MispFixtures.bytes("export/event-70ef1b31-815a-443c-b54a-1d6189a5cce9.json");
        try (MispEventStream stream = open(file)) {
            MispEvent event = (MispEvent) stream.next();
            Event posted = event.toEvent();

            assertEquals("application/json", posted.mediaType());
            assertEquals(List.of("misp:70ef1b31-815a-443c-b54a-1d6189a5cce9:1714436534"), posted.dedupKeys());
            assertTrue(new String(posted.body(), StandardCharsets.UTF_8).startsWith("{\"Event\":{\"id\":\"1001\""),
                    "compact JSON, keys in the source's order");
        }
    }

    @Test
    void aPrettyPrintedSingleEventAndAFeedEventFileAreOneEventEach() throws IOException {
        for (String name : List.of("export/event-70ef1b31-815a-443c-b54a-1d6189a5cce9.json",
                "feed/70ef1b31-815a-443c-b54a-1d6189a5cce9.json")) {
            try (MispEventStream stream = open(MispFixtures.bytes(name))) {
                assertEquals(MispEventStream.Shape.SINGLE_EVENT, stream.shape());
                assertEquals(List.of("70ef1b31-815a-443c-b54a-1d6189a5cce9:1714436534"), ids(all(stream)), name);
            }
        }
    }

    @Test
    void aWholeDownloadIsCountedThenReadFromAResumePoint() throws IOException {
        byte[] download = MispFixtures.bytes("export/restsearch-download.json");
        try (MispEventStream stream = open(download)) {
            assertEquals(7, stream.count());
        }
        try (MispEventStream stream = open(download)) {
            assertTrue(stream.skip());
            assertTrue(stream.skip());
            assertEquals(MispFixtures.eventIds("export/restsearch-download.json").subList(2, 7), ids(all(stream)));
        }
    }

    @Test
    void aLowercaseOrgcIsRenamedInPlaceAsMispsImporterDoes() throws IOException {
        try (MispEventStream stream = open(MispFixtures.bytes("export/variant-lowercase-orgc.json"))) {
            MispEvent event = (MispEvent) stream.next();
            JsonNode posted = JSON.readTree(event.json()).get("Event");
            JsonNode source = JSON.readTree(MispFixtures.bytes("export/variant-lowercase-orgc.json")).get("Event");

            assertFalse(posted.has("orgc"));
            assertEquals(source.get("orgc"), posted.get("Orgc"));
            List<String> names = new ArrayList<>();
            posted.fieldNames().forEachRemaining(names::add);
            List<String> sourceNames = new ArrayList<>();
            source.fieldNames().forEachRemaining(n -> sourceNames.add(n.equals("orgc") ? "Orgc" : n));
            assertEquals(sourceNames, names, "same order");
        }
    }

    @Test
    void invalidUtf8IsRepairedAndOnlyTheEventHoldingItIsMarked() throws IOException {
        try (MispEventStream stream = open(MispFixtures.bytes("errors/invalid-utf8-page.json"))) {
            List<MispElement> elements = all(stream);

            assertEquals(5, ids(elements).size());
            MispEvent first = (MispEvent) elements.get(0);
            assertTrue(first.repaired());
            assertTrue(new String(first.json(), StandardCharsets.UTF_8).contains("\"comment\":\"\uFFFD(\uFFFD\""));
            assertEquals(List.of(false, false, false, false),
                    elements.subList(1, 5).stream().map(e -> ((MispEvent) e).repaired()).toList());
            assertEquals(2, stream.repairs());
        }
    }

    @Test
    void aPageCutShortFailsAfterTheEventsBeforeTheCut() throws IOException {
        List<MispElement> read = new ArrayList<>();
        try (MispEventStream stream = open(MispFixtures.bytes("errors/truncated-page.json"))) {
            MispFormatException cut = assertThrows(MispFormatException.class, () -> {
                MispElement element;
                while ((element = stream.next()) != null) {
                    read.add(element);
                }
            });
            assertTrue(cut.getMessage().contains("cut short"), cut.getMessage());
        }
        assertEquals(MispFixtures.eventIds("restsearch/response.page1.json").subList(0, read.size()), ids(read));
        assertTrue(read.size() < 5);
    }

    @Test
    void countingFindsACutShortDocumentBeforeAnythingIsEmitted() throws IOException {
        try (MispEventStream stream = open(MispFixtures.bytes("errors/truncated-page.json"))) {
            assertThrows(MispFormatException.class, stream::count);
        }
    }

    @Test
    void anEmptyAnswerHasNoEvents() throws IOException {
        try (MispEventStream stream = open(MispFixtures.bytes("restsearch/response.page3.empty.json"))) {
            assertNull(stream.next());
        }
    }

    @Test
    void documentsThatAreNotEventListsAreRefusedWithAClearReason() {
        assertRefused(MispFixtures.bytes("errors/500-html.html"), "an HTML page, not MISP JSON");
        assertRefused(MispFixtures.bytes("errors/403-auth.json"), "no 'response' list and no 'Event' in the "
                + "document; it says: Authentication failed.");
        assertRefused(MispFixtures.bytes("restsearch/response.attributes-scope.json"),
                "'response' is an object, not a list of events (an /attributes/restSearch answer?)");
        assertRefused(new byte[0], "the document is empty");
        assertRefused("  \n".getBytes(StandardCharsets.UTF_8), "the document is empty");
        assertRefused("\"response\"".getBytes(StandardCharsets.UTF_8),
                "not a MISP event document: it starts with a string");
        assertRefused("{\"response\": [], \"x\": 1".getBytes(StandardCharsets.UTF_8), "cut short");
        assertRefused("{\"response\": nope}".getBytes(StandardCharsets.UTF_8), "invalid JSON at line 1");
    }

    private static void assertRefused(byte[] document, String expected) {
        MispFormatException refused = assertThrows(MispFormatException.class, () -> {
            try (MispEventStream stream = open(document)) {
                all(stream);
            }
        });
        assertTrue(refused.getMessage().contains(expected), () -> "'" + refused.getMessage() + "' should contain '"
                + expected + "'");
    }

    @Test
    void contentAfterTheDocumentIsRefusedAfterItsEvents() throws IOException {
        try (MispEventStream stream = open("{\"response\": []} {\"response\": []}")) {
            MispFormatException refused = assertThrows(MispFormatException.class, stream::next);
            assertEquals("content after the end of the document", refused.getMessage());
        }
    }

    @Test
    void elementsThatAreNoUsableEventsAreReportedAndSkipped() throws IOException {
        String event = "{\"Event\":{\"uuid\":\"" + UUID_A + "\",\"timestamp\":\"1700000000\",\"info\":\"ok\"}}";
        String document = "{\"response\": [1, {\"Attribute\": []}, {\"Event\": {\"uuid\": \"../../etc\","
                + "\"timestamp\": \"1\"}}, {\"Event\": {\"uuid\": \"" + UUID_A + "\", \"timestamp\": \"soon\"}}, "
                + event + "], \"extra\": {\"ignored\": true}}";
        try (MispEventStream stream = open(document)) {
            List<MispElement> elements = all(stream);

            assertEquals(List.of("an element of the event list is a number, not an object",
                    "an element of the event list has no 'Event' object",
                    "an event has no valid uuid",
                    "event " + UUID_A + " has no valid timestamp"),
                    elements.subList(0, 4).stream().map(e -> ((MispElement.Malformed) e).reason()).toList());
            assertEquals(List.of(UUID_A + ":1700000000"), ids(elements));
        }
    }

    @Test
    void aBareListAndNumericTimestampsAreAccepted() throws IOException {
        try (MispEventStream stream = open("[{\"Event\":{\"uuid\":\"" + UUID_A.toUpperCase()
                + "\",\"timestamp\":1700000001,\"threat\":1.10,\"big\":123456789012345678901234567890}}]")) {
            assertEquals(MispEventStream.Shape.EVENT_LIST, stream.shape());
            MispEvent event = (MispEvent) stream.next();

            assertEquals(UUID_A + ":1700000001", event.uuid() + ":" + event.timestamp(), "uuid in lower case");
            String json = new String(event.json(), StandardCharsets.UTF_8);
            assertTrue(json.contains("\"threat\":1.10,\"big\":123456789012345678901234567890"), json);
            assertNull(stream.next());
        }
    }

    @Test
    void anUnreadableSourceIsAnIoFailureNotAFormatProblem() {
        IOException failure = assertThrows(IOException.class, () -> MispEventStream.open(new java.io.InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("disk on fire");
            }
        }));
        assertFalse(failure instanceof MispFormatException);
        assertInstanceOf(IOException.class, failure);
    }
}
