package org.cybexp.input.source.mispfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.cybexp.input.api.SourceException;
import org.cybexp.input.api.SourceInput;
import org.cybexp.input.api.StopRequestedException;
import org.cybexp.input.source.misp.MispFixtures;
import org.cybexp.input.testkit.InMemoryFetchContext;
import org.cybexp.input.testkit.InMemoryInputStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The input over a real directory, through the test kit's in-memory container. */
class MispFileInputTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> ALL = MispFixtures.FEED_EVENTS;
    private static final String EVENT_1001 = "export/event-70ef1b31-815a-443c-b54a-1d6189a5cce9.json";

    @TempDir
    Path base;
    private Path dir;
    private InMemoryInputStore store;
    private SourceInput input;

    @BeforeEach
    void start() throws Exception {
        dir = base.resolve("drop");
        store = storeWith(Map.of());
        input = store.open();
    }

    private InMemoryInputStore storeWith(Map<String, String> overrides) throws Exception {
        Map<String, String> properties = new HashMap<>(Map.of("directory", dir.toString(), "min_age", "0"));
        properties.putAll(overrides);
        return InMemoryInputStore.builder(new MispFilePlugin()).name("files").properties(properties).build();
    }

    /**
     * One look that moves something to failed/: the call fails with that, so it is logged and shown as the
     * input's last error, and what the look stored stays stored.
     */
    private InMemoryFetchContext lookMovingToFailed() throws Exception {
        InMemoryFetchContext look = store.newContext();
        SourceException failure = assertThrows(SourceException.class, () -> store.fetch(input, look));
        assertTrue(failure.getMessage().startsWith("moved to failed/ (see its .reason files): "),
                failure.getMessage());
        return look;
    }

    private void restart() throws Exception {
        input.close();
        input = store.open();
    }

    private List<String> stored() {
        return store.events().stream().map(e -> MispFixtures.eventId(e.body())).toList();
    }

    /** Relative paths of everything under the directory, sorted. */
    private List<String> tree() throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            return paths.filter(p -> !p.equals(dir)).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    private List<String> treeUnder(String folder) throws IOException {
        return tree().stream().filter(p -> p.startsWith(folder + "/")).toList();
    }

    /** A restSearch download of n synthetic events, uuid ...000i, timestamp 1700000000 + i. */
    private static byte[] download(int n) {
        StringBuilder json = new StringBuilder("{\"response\": [");
        for (int i = 1; i <= n; i++) {
            json.append(i == 1 ? "" : ",").append("{\"Event\": {\"uuid\": \"").append(uuid(i))
                    .append("\", \"timestamp\": \"").append(1700000000 + i).append("\", \"info\": \"event ")
                    .append(i).append("\", \"Attribute\": [{\"type\": \"domain\", \"value\": \"x").append(i)
                    .append(".example\"}]}}");
        }
        return json.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    private Path write(String name, byte[] content) throws IOException {
        Files.createDirectories(dir);
        return Files.write(dir.resolve(name), content);
    }

    private static String uuid(int i) {
        return String.format("00000000-0000-4000-8000-%012d", i);
    }

    private static List<String> downloadIds(int from, int to) {
        List<String> ids = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            ids.add(uuid(i) + ":" + (1700000000 + i));
        }
        return ids;
    }

    @Test
    void aRestSearchDownloadIsPostedEventByEventAndMovedToProcessed() throws Exception {
        MispFixtures.copy("export/restsearch-download.json", dir.resolve("restsearch-download.json"));

        InMemoryFetchContext look = store.fetch(input);

        assertEquals(ALL, stored());
        JsonNode source = JSON.readTree(MispFixtures.bytes("export/restsearch-download.json")).get("response");
        assertEquals(source.get(6), JSON.readTree(store.events().get(6).body()), "{\"Event\": {...}} unchanged");
        assertEquals(List.of("failed", "processed", "processed/restsearch-download.json"), tree());
        assertEquals(Map.of(), store.committedState(), "no resume point left");
        assertEquals("1 processed, 0 failed: 7 events, 7 new", look.progress());
        assertEquals("misp-api", store.config().typetag());
    }

    @Test
    void aFeedFolderIsPostedInManifestOrderAndMovedAsAWhole() throws Exception {
        MispFixtures.copyFeed(dir.resolve("circl-feed"));
        MispFixtures.copy("feed-variants/hashes.bad-lines.csv", dir.resolve("circl-feed/hashes.csv"));

        InMemoryFetchContext look = store.fetch(input);

        assertEquals(ALL, stored());
        assertEquals(List.of(), look.malformedReasons(), "hashes.csv is not read");
        assertTrue(tree().contains("processed/circl-feed/manifest.json"));
        assertEquals(9, treeUnder("processed/circl-feed").size());
        assertFalse(Files.exists(dir.resolve("circl-feed")));
    }

    @Test
    void everyManifestVariantGivesTheSameEvents() throws Exception {
        for (String variant : List.of("int-typed", "legacy-timestamp-only")) {
            store = storeWith(Map.of());
            input = store.open();
            Path feed = MispFixtures.copyFeed(dir.resolve(variant));
            MispFixtures.copy("feed-variants/manifest." + variant + ".json", feed.resolve("manifest.json"));

            store.fetch(input);

            assertEquals(ALL, stored(), variant);
            assertTrue(Files.isDirectory(dir.resolve("processed/" + variant)), variant);
        }
    }

    @Test
    void aFeedWithAMissingEventFilePostsTheRestAndGoesToFailedWithTheReason() throws Exception {
        Path feed = MispFixtures.copyFeed(dir.resolve("feed"));
        MispFixtures.copy("feed-variants/manifest.missing-event-file.json", feed.resolve("manifest.json"));

        InMemoryFetchContext look = lookMovingToFailed();

        assertEquals(ALL, stored());
        assertTrue(Files.isDirectory(dir.resolve("failed/feed.bak")));
        String reason = Files.readString(dir.resolve("failed/feed.reason"));
        assertTrue(reason.contains("1 problem(s) in a feed of 8 events; the other events were posted:\n"
                + " - 00000000-0000-4000-8000-000000000bad.json is missing"), reason);
        assertEquals(List.of("feed/00000000-0000-4000-8000-000000000bad.json is missing"), look.malformedReasons());
        assertEquals("0 processed, 1 failed: 7 events, 7 new, 1 malformed", look.progress());
    }

    @Test
    void aTruncatedManifestFailsTheFeedWithNothingPosted() throws Exception {
        Path feed = MispFixtures.copyFeed(dir.resolve("feed"));
        MispFixtures.copy("feed-variants/manifest.truncated.json", feed.resolve("manifest.json"));

        lookMovingToFailed();

        assertEquals(List.of(), store.events());
        assertEquals("manifest.json is cut short", Files.readString(dir.resolve("failed/feed.reason")).lines()
                .skip(1).findFirst().orElseThrow());
        assertTrue(Files.exists(dir.resolve("failed/feed.bak/manifest.json")));
    }

    @Test
    void malformedFilesGoToFailedRenamedBakWithAReasonAndNothingPosted() throws Exception {
        MispFixtures.copy("errors/truncated-page.json", dir.resolve("cut.json"));
        MispFixtures.copy("errors/500-html.html", dir.resolve("page.json"));
        MispFixtures.copy("errors/403-auth.json", dir.resolve("error.json"));
        MispFixtures.copy("restsearch/response.attributes-scope.json", dir.resolve("attributes.json"));

        InMemoryFetchContext look = lookMovingToFailed();

        assertEquals(List.of(), store.events());
        assertEquals(List.of("failed", "failed/attributes.json.bak", "failed/attributes.json.reason",
                "failed/cut.json.bak", "failed/cut.json.reason", "failed/error.json.bak", "failed/error.json.reason",
                "failed/page.json.bak", "failed/page.json.reason", "processed"), tree());
        assertEquals(Map.of(
                "attributes", "'response' is an object, not a list of events (an /attributes/restSearch answer?)",
                "cut", "the document is cut short (unexpected end of input)",
                "error", "no 'response' list and no 'Event' in the document; it says: Authentication failed. Please "
                        + "make sure you pass the API key of an API enabled user along in the Authorization header.",
                "page", "an HTML page, not MISP JSON"), reasons());
        assertEquals("0 processed, 4 failed: 0 events, 0 new", look.progress());
        assertTrue(Files.readString(dir.resolve("failed/cut.json.reason")).startsWith("misp_file could not read "
                + "cut.json ("));
    }

    private Map<String, String> reasons() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("failed"))) {
            return files.filter(f -> f.toString().endsWith(".json.reason")).collect(Collectors.toMap(
                    f -> f.getFileName().toString().replace(".json.reason", ""),
                    f -> read(f).lines().skip(1).collect(Collectors.joining("\n"))));
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aSingleEventFileAndTheLowercaseOrgcVariantArePosted() throws Exception {
        MispFixtures.copy(EVENT_1001, dir.resolve("a-event.json"));
        MispFixtures.copy("export/variant-lowercase-orgc.json", dir.resolve("b-variant.json"));

        store.fetch(input);

        assertEquals(ALL.get(0), stored().get(0));
        assertEquals(1, store.events().size(), "the variant is the same version of event 1001: not posted twice");
        assertEquals(List.of("failed", "processed", "processed/a-event.json", "processed/b-variant.json"), tree());
    }

    @Test
    void theOrgcVariantAloneIsPostedWithOrgcRenamed() throws Exception {
        MispFixtures.copy("export/variant-lowercase-orgc.json", dir.resolve("variant.json"));

        store.fetch(input);

        JsonNode event = JSON.readTree(store.events().get(0).body()).get("Event");
        assertTrue(event.has("Orgc"));
        assertFalse(event.has("orgc"));
    }

    @Test
    void invalidUtf8IsRepairedAndTheEventPosted() throws Exception {
        MispFixtures.copy("errors/invalid-utf8-page.json", dir.resolve("page.json"));

        InMemoryFetchContext look = store.fetch(input);

        assertEquals(ALL.subList(0, 5), stored());
        assertEquals("1 processed, 0 failed: 5 events, 5 new, 1 with invalid UTF-8 replaced", look.progress());
    }

    @Test
    void aFileWithEventsPostedBeforeIsProcessedWithoutPostingThemAgain() throws Exception {
        MispFixtures.copyFeed(dir.resolve("feed"));
        store.fetch(input);
        MispFixtures.copy("export/restsearch-download.json", dir.resolve("again.json"));

        InMemoryFetchContext look = store.fetch(input);

        assertEquals(ALL, stored());
        assertEquals(7, look.duplicates());
        assertEquals("1 processed, 0 failed: 7 events, 0 new", look.progress());
        assertTrue(Files.exists(dir.resolve("processed/again.json")));
    }

    @Test
    void aGracefulStopInsideAFileResumesThereAfterARestart() throws Exception {
        store = storeWith(Map.of("checkpoint_every", "3"));
        input = store.open();
        write("big.json", download(10));

        store.fetch(StopAfterEmits.gracefully(input, 4));

        assertEquals(downloadIds(1, 6), stored(), "stopped at the first checkpoint after the stop was asked");
        assertTrue(store.committed(ResumePoint.KEY).orElseThrow().endsWith(" 6 0"));
        assertTrue(Files.exists(dir.resolve("big.json")), "the file stays until it is read through");
        assertEquals("stopped in big.json at 6/10, resumes there", store.progress());

        restart();
        InMemoryFetchContext resumed = store.fetch(input);

        assertEquals(downloadIds(1, 10), stored());
        assertEquals(4, resumed.emitted().size(), "only the events after the resume point were read");
        assertEquals(0, resumed.duplicates());
        assertTrue(Files.exists(dir.resolve("processed/big.json")));
        assertEquals(Optional.empty(), store.committed(ResumePoint.KEY));
    }

    @Test
    void aCrashInsideAFileLosesNothingAndPostsNothingTwice() throws Exception {
        store = storeWith(Map.of("checkpoint_every", "3"));
        input = store.open();
        write("big.json", download(10));

        assertThrows(StopRequestedException.class, () -> store.fetch(StopAfterEmits.immediately(input, 5)));

        assertEquals(downloadIds(1, 3), stored(), "events 4 and 5 were not checkpointed: dropped with the call");
        assertTrue(store.committed(ResumePoint.KEY).orElseThrow().endsWith(" 3 0"));

        restart();
        InMemoryFetchContext resumed = store.fetch(input);

        assertEquals(downloadIds(1, 10), stored());
        assertEquals(0, resumed.duplicates());
        assertEquals(7, resumed.emitted().size());
    }

    @Test
    void aCrashInsideAFeedResumesWithTheNextEventFile() throws Exception {
        store = storeWith(Map.of("checkpoint_every", "2"));
        input = store.open();
        MispFixtures.copyFeed(dir.resolve("feed"));

        assertThrows(StopRequestedException.class, () -> store.fetch(StopAfterEmits.immediately(input, 3)));
        assertEquals(ALL.subList(0, 2), stored());

        restart();
        store.fetch(input);

        assertEquals(ALL, stored());
        assertTrue(Files.isDirectory(dir.resolve("processed/feed")));
    }

    @Test
    void aFileReplacedAfterAStopIsReadFromItsStart() throws Exception {
        store = storeWith(Map.of("checkpoint_every", "3"));
        input = store.open();
        write("big.json", download(10));
        store.fetch(StopAfterEmits.gracefully(input, 1));
        assertEquals(3, store.events().size());

        write("big.json", download(12)); // another file under the same name
        restart();
        InMemoryFetchContext look = store.fetch(input);

        assertEquals(downloadIds(1, 12), stored());
        assertEquals(3, look.duplicates(), "read from the start: the three stored events are dropped as known");
    }

    @Test
    void symbolicLinksNeverLeadOutOfTheDirectory() throws Exception {
        Path outside = Files.createDirectories(base.resolve("outside"));
        Path secret = MispFixtures.copy(EVENT_1001, outside.resolve("secret.json"));
        MispFixtures.copyFeed(outside.resolve("feed"));
        Files.createDirectories(dir);
        Files.createSymbolicLink(dir.resolve("link.json"), secret);
        Files.createSymbolicLink(dir.resolve("linked-feed"), outside.resolve("feed"));
        Path feed = MispFixtures.copyFeed(dir.resolve("feed"));
        Files.delete(feed.resolve("7d854e9b-736d-4f39-af42-32ec3ba865fd.json"));
        Files.createSymbolicLink(feed.resolve("7d854e9b-736d-4f39-af42-32ec3ba865fd.json"),
                outside.resolve("feed/7d854e9b-736d-4f39-af42-32ec3ba865fd.json"));

        InMemoryFetchContext look = lookMovingToFailed();

        List<String> expected = new ArrayList<>(ALL);
        expected.remove(1);
        assertEquals(expected, stored(), "the linked event file is not read");
        assertEquals(List.of("feed/7d854e9b-736d-4f39-af42-32ec3ba865fd.json is a symbolic link (not followed)"),
                look.malformedReasons());
        assertTrue(Files.isSymbolicLink(dir.resolve("link.json")), "links are left where they are");
        assertTrue(Files.isSymbolicLink(dir.resolve("linked-feed")));
        assertTrue(Files.exists(secret));
        assertTrue(Files.isDirectory(dir.resolve("failed/feed.bak")));
        assertTrue(look.progress().endsWith("; 2 symbolic links ignored"), look.progress());
    }

    @Test
    void manifestKeysThatAreNoUuidsNeverBecomePaths() throws Exception {
        Path outside = Files.createDirectories(base.resolve("outside"));
        MispFixtures.copy(EVENT_1001, outside.resolve("x.json"));
        Path feed = Files.createDirectories(dir.resolve("feed"));
        Files.writeString(feed.resolve("manifest.json"), "{\"../../outside/x\": {\"timestamp\": \"1\"}, "
                + "\"70ef1b31-815a-443c-b54a-1d6189a5cce9\": {\"timestamp\": \"1714436534\"}}");
        MispFixtures.copy("feed/70ef1b31-815a-443c-b54a-1d6189a5cce9.json",
                feed.resolve("70ef1b31-815a-443c-b54a-1d6189a5cce9.json"));

        InMemoryFetchContext look = lookMovingToFailed();

        assertEquals(List.of(ALL.get(0)), stored());
        assertEquals(List.of("feed/manifest.json: '../../outside/x' is not an event uuid"), look.malformedReasons());
        assertTrue(Files.readString(dir.resolve("failed/feed.reason"))
                .contains("'../../outside/x' is not an event uuid"));
    }

    @Test
    void aLinkedProcessedFolderIsRefused() throws Exception {
        Path outside = Files.createDirectories(base.resolve("outside"));
        Files.createDirectories(dir);
        Files.createSymbolicLink(dir.resolve("processed"), outside);
        MispFixtures.copy(EVENT_1001, dir.resolve("event.json"));

        SourceException refused = assertThrows(SourceException.class, () -> store.fetch(input));

        assertTrue(refused.getMessage().startsWith("processed/ in "), refused.getMessage());
        assertTrue(refused.getMessage().endsWith(" is a symbolic link: refusing to move files out of the directory"));
        assertEquals(List.of(), store.events());
        assertTrue(Files.exists(dir.resolve("event.json")));
    }

    @Test
    void youngHiddenAndOtherFilesAreLeftAlone() throws Exception {
        store = storeWith(Map.of("min_age", "3600"));
        input = store.open();
        MispFixtures.copy(EVENT_1001, dir.resolve("fresh.json"));
        MispFixtures.copy(EVENT_1001, dir.resolve(".hidden.json"));
        MispFixtures.copy("feed-csv/feed.csv", dir.resolve("feed.csv"));
        Files.createDirectories(dir.resolve("no-manifest"));

        InMemoryFetchContext look = store.fetch(input);

        assertEquals(List.of(), store.events());
        assertEquals("nothing to read; 1 still changing, read later", look.progress());
        assertEquals(List.of(".hidden.json", "failed", "feed.csv", "fresh.json", "no-manifest", "processed"), tree());
    }

    @Test
    void namesTakenInFailedOrProcessedGetANumber() throws Exception {
        for (int round = 0; round < 3; round++) {
            MispFixtures.copy("errors/truncated-page.json", dir.resolve("cut.json"));
            MispFixtures.copy(EVENT_1001, dir.resolve("event.json"));
            lookMovingToFailed();
        }

        assertEquals(List.of("failed/cut-2.json.bak", "failed/cut-2.json.reason", "failed/cut-3.json.bak",
                "failed/cut-3.json.reason", "failed/cut.json.bak", "failed/cut.json.reason"), treeUnder("failed"));
        assertEquals(List.of("processed/event-2.json", "processed/event-3.json", "processed/event.json"),
                treeUnder("processed"));
        assertEquals(1, store.events().size());
    }

    @Test
    void aMissingDirectoryIsCreatedWithItsFolders() throws Exception {
        InMemoryFetchContext look = store.fetch(input);

        assertEquals(List.of("failed", "processed"), tree());
        assertEquals("nothing to read", look.progress());
    }

    @Test
    void anUnreadableFileIsReportedAndTheOthersStillRead() throws Exception {
        MispFixtures.copy(EVENT_1001, dir.resolve("a-locked.json"));
        MispFixtures.copy("feed/7d854e9b-736d-4f39-af42-32ec3ba865fd.json", dir.resolve("b-open.json"));
        Files.setPosixFilePermissions(dir.resolve("a-locked.json"), java.util.Set.of());
        org.junit.jupiter.api.Assumptions.assumeFalse(Files.isReadable(dir.resolve("a-locked.json")),
                "running as root: permissions do not stop reads");

        IOException failed = assertThrows(IOException.class, () -> store.fetch(input));

        assertTrue(failed.getMessage().startsWith("could not read a-locked.json: AccessDeniedException"),
                failed.getMessage());
        assertEquals(List.of(ALL.get(1)), stored());
        assertTrue(Files.exists(dir.resolve("a-locked.json")));
    }
}
