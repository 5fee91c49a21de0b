package org.cybexp.input.source.misp;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The MISP samples in {@code src/test/resources/misp} (copied from the shared fixtures), for this module's
 * tests and, through its test jar, the misp_api and misp_file tests.
 */
public final class MispFixtures {

    /** The feed folder's events in manifest order, as {@code uuid:timestamp}. */
    public static final List<String> FEED_EVENTS = List.of(
            "70ef1b31-815a-443c-b54a-1d6189a5cce9:1714436534",
            "7d854e9b-736d-4f39-af42-32ec3ba865fd:1714439466",
            "e381ee42-0b13-4ff1-ac31-0211001b2562:1714442492",
            "ab4f8a17-2a94-47f6-8b52-253ddbdba276:1714447266",
            "4de862c5-e4d7-4c27-870e-ff4b24dabc31:1714449641",
            "8a0b7305-eeca-48ef-9925-5f2978d59bf8:1714453516",
            "ebebfd1b-46ed-458f-8e86-9b194c2458b3:1714458092");

    /**
     * The real MISP files in {@code real/}: PyMISP's and MISP's tests and IntelMQ's samples, copied byte for byte
     * from {@code shared/real/misp} (their sources and licences: {@code real/SOURCES.md}).
     */
    public static final List<String> REAL_FILES = List.of("intelmq_misp_attribute.json", "intelmq_misp_event.json",
            "misp24_stixtest_misp_indicators_test.json", "misp24_tests_event.json",
            "misp24_tools_curl_input_event.json", "pymisp_57c4445b-c548-4654-af0b-4be3950d210f.json",
            "pymisp_misp_event.json", "pymisp_mispevent_event_obj_attr_tag.json",
            "pymisp_mispevent_existing_event.json", "pymisp_mispevent_galaxy.json",
            "pymisp_mispevent_malware_exist.json", "pymisp_mispevent_misp_custom_obj.json",
            "pymisp_mispevent_proposals.json", "pymisp_mispevent_shadow.json", "pymisp_mispevent_sighting.json",
            "pymisp_new_misp_event.json", "pymisp_reportlab_HTML_event.json", "pymisp_reportlab_galaxy_1.json",
            "pymisp_reportlab_image_event.json", "pymisp_reportlab_japanese_test.json",
            "pymisp_reportlab_japanese_test_heavy.json", "pymisp_reportlab_long_event.json",
            "pymisp_reportlab_mainly_objects_1.json", "pymisp_reportlab_sighting_1.json",
            "pymisp_reportlab_to_delete2.json", "pymisp_reportlab_very_long_event.json",
            "pymisp_search_index_result.json", "vmray-misp-feed_generated_event.json");

    private static final ObjectMapper JSON = new ObjectMapper();

    private MispFixtures() {
    }

    public static byte[] bytes(String name) {
        try (InputStream in = MispFixtures.class.getResourceAsStream("/misp/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no MISP fixture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String text(String name) {
        return new String(bytes(name), StandardCharsets.UTF_8);
    }

    /** Copies a fixture to a file. */
    public static Path copy(String name, Path target) throws IOException {
        Files.createDirectories(target.toAbsolutePath().getParent());
        return Files.write(target, bytes(name));
    }

    /** Copies the sample feed folder ({@code manifest.json}, event files, {@code hashes.csv}) into a folder. */
    public static Path copyFeed(Path folder) throws IOException {
        Files.createDirectories(folder);
        copy("feed/manifest.json", folder.resolve("manifest.json"));
        copy("feed/hashes.csv", folder.resolve("hashes.csv"));
        for (String event : FEED_EVENTS) {
            String uuid = event.substring(0, 36);
            copy("feed/" + uuid + ".json", folder.resolve(uuid + ".json"));
        }
        return folder;
    }

    /** {@code uuid:timestamp} of a posted event, {@code {"Event": {...}}}. */
    public static String eventId(byte[] eventJson) {
        try {
            JsonNode event = JSON.readTree(eventJson).path("Event");
            return event.path("uuid").asText() + ":" + event.path("timestamp").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code uuid:timestamp} of the events of a fixture document ({@code {"response": [...]}}), in order. */
    public static List<String> eventIds(String name) {
        try {
            List<String> ids = new ArrayList<>();
            for (JsonNode element : JSON.readTree(bytes(name)).path("response")) {
                ids.add(eventId(JSON.writeValueAsBytes(element)));
            }
            return ids;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
