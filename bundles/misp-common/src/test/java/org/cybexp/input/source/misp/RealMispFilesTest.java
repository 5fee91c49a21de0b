package org.cybexp.input.source.misp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

/**
 * The 28 real MISP files of {@code shared/real/misp} (PyMISP's and MISP's tests, IntelMQ's samples; copied to
 * {@code src/test/resources/misp/real}, sources in its SOURCES.md): what each one reads as.
 */
class RealMispFilesTest {

    /** File name to outcome: the events (uuid:timestamp), the reasons of what was skipped, or the refusal. */
    static final Map<String, String> EXPECTED = new TreeMap<>(Map.ofEntries(
            Map.entry("intelmq_misp_attribute.json", "refused: not a MISP event: a lone Attribute"),
            Map.entry("intelmq_misp_event.json", "5758ebf5-c898-48e6-9fe9-5665c0a83866:1465681801"),
            Map.entry("misp24_stixtest_misp_indicators_test.json", "5abb8534-ba9c-48cd-bb63-02480a00020f:1592393818"),
            Map.entry("misp24_tests_event.json", "54884656-2da8-4625-bf07-43ef950d210b:1418217625"),
            Map.entry("misp24_tools_curl_input_event.json", "skipped: an event has no valid uuid"),
            Map.entry("pymisp_57c4445b-c548-4654-af0b-4be3950d210f.json",
                    "57c4445b-c548-4654-af0b-4be3950d210f:1472541011"),
            Map.entry("pymisp_misp_event.json", "5758ebf5-c898-48e6-9fe9-5665c0a83866:1465681801"),
            Map.entry("pymisp_mispevent_event_obj_attr_tag.json",
                    "refused: not a MISP event: Objects or Attributes without their event"),
            Map.entry("pymisp_mispevent_existing_event.json", "5a3c2fcd-8328-42bb-a95e-4f4402de0b81:1513948642"),
            Map.entry("pymisp_mispevent_galaxy.json", "refused: not a MISP event: a lone Galaxy"),
            Map.entry("pymisp_mispevent_malware_exist.json",
                    "skipped: an element of the event list has no 'Event' object"),
            Map.entry("pymisp_mispevent_misp_custom_obj.json", "skipped: an event has no valid uuid"),
            Map.entry("pymisp_mispevent_proposals.json", "skipped: an event has no valid uuid"),
            Map.entry("pymisp_mispevent_shadow.json", "5a4cb19a-f550-437f-bd29-48ed950d210f:1514975929"),
            Map.entry("pymisp_mispevent_sighting.json", "refused: not a MISP event: a lone Sighting"),
            Map.entry("pymisp_new_misp_event.json", "57c06bb1-625c-4d34-9b9f-4066950d210f:1472228273"),
            Map.entry("pymisp_reportlab_HTML_event.json", "56e12e66-f01c-41be-afea-4d9a950d210f:1457605235"),
            Map.entry("pymisp_reportlab_galaxy_1.json", "5acc88e9-265c-4f22-9d2b-b702950d210f:1551342138"),
            Map.entry("pymisp_reportlab_image_event.json", "5c706a30-8ad4-4fcc-9e17-4d3d02de0b81:1551169938"),
            Map.entry("pymisp_reportlab_japanese_test.json", "5c7cdc3b-2f40-4dca-8200-276c0a00020f:1551686770"),
            Map.entry("pymisp_reportlab_japanese_test_heavy.json",
                    "5c7cdc3b-2f40-4dca-8200-276c0a00020f:1551686770"),
            Map.entry("pymisp_reportlab_long_event.json", "57153590-f73c-49fa-be4b-4737950d210f:1467971098"),
            Map.entry("pymisp_reportlab_mainly_objects_1.json", "5c066053-0e94-46eb-9746-4b7d950d210f:1550654276"),
            Map.entry("pymisp_reportlab_sighting_1.json", "5b646415-7b48-40d5-86b4-c0070acd0835:1533306089"),
            Map.entry("pymisp_reportlab_to_delete2.json", "5a0d5bf4-99c8-4f15-9879-22b1950d210f:1511183733"),
            Map.entry("pymisp_reportlab_very_long_event.json", "5abf6421-c1b8-477b-a9d2-9c0902de0b81:1550652109"),
            Map.entry("pymisp_search_index_result.json", "skipped: an element of the event list has no 'Event' object"),
            Map.entry("vmray-misp-feed_generated_event.json", "skipped: an event has no valid uuid")));

    @Test
    void eachRealFileReadsAsExpected() throws IOException {
        assertEquals(MispFixtures.REAL_FILES, List.copyOf(EXPECTED.keySet()));
        Map<String, String> outcomes = new TreeMap<>();
        for (String name : EXPECTED.keySet()) {
            outcomes.put(name, outcome(MispFixtures.bytes("real/" + name)));
        }
        assertEquals(EXPECTED, outcomes);
    }

    @Test
    void aSourceThatHandsOutAFewBytesPerReadGivesTheSameEvents() throws IOException {
        // network streams do: the recording must find each event's start however the reads fall
        for (String name : EXPECTED.keySet()) {
            byte[] document = MispFixtures.bytes("real/" + name);
            assertEquals(EXPECTED.get(name), outcome(new TrickleInputStream(document)), name);
            assertEquals(posted(new ByteArrayInputStream(document)), posted(new TrickleInputStream(document)), name);
        }
    }

    /** The posted bytes of each event, to compare two reads of one document. */
    private static List<String> posted(java.io.InputStream document) throws IOException {
        List<String> events = new ArrayList<>();
        try (MispEventStream stream = MispEventStream.open(document)) {
            MispElement element;
            while ((element = stream.next()) != null) {
                if (element instanceof MispEvent event) {
                    events.add(new String(event.json(), java.nio.charset.StandardCharsets.UTF_8));
                }
            }
        } catch (MispFormatException e) {
            events.add(e.getMessage());
        }
        return events;
    }

    /** Hands out 1 to 7 bytes per read. */
    private static final class TrickleInputStream extends ByteArrayInputStream {
        private int turn;

        TrickleInputStream(byte[] bytes) {
            super(bytes);
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) {
            return super.read(b, off, Math.min(len, 1 + turn++ % 7));
        }
    }

    static String outcome(byte[] document) throws IOException {
        return outcome(new ByteArrayInputStream(document));
    }

    static String outcome(java.io.InputStream document) throws IOException {
        List<String> read = new ArrayList<>();
        try (MispEventStream stream = MispEventStream.open(document)) {
            MispElement element;
            while ((element = stream.next()) != null) {
                if (element instanceof MispEvent event) {
                    read.add(event.uuid() + ":" + event.timestamp());
                } else if (element instanceof MispElement.Malformed bad) {
                    read.add("skipped: " + bad.reason());
                } else {
                    read.add("too large: " + ((MispElement.TooLarge) element).reason());
                }
            }
        } catch (MispFormatException e) {
            String message = e.getMessage();
            int cut = message.indexOf(" (");
            return "refused: " + (cut < 0 ? message : message.substring(0, cut));
        }
        return String.join(", ", read);
    }
}
