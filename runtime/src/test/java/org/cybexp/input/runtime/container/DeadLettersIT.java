package org.cybexp.input.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.cybexp.input.testkit.Distribution;
import org.cybexp.input.testkit.Distribution.Result;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code cybexp-input deadletters} end to end on a copy of the built distribution: three inputs post the same
 * loopback feed to a loopback {@code /raw} that refuses two of them for good (400); their records land in the
 * dead letters with the answer, one is purged, and once the cause is fixed a replay delivers the other.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeadLettersIT {

    private static final String TOKEN = "dead-letters-it-token-5c1a";
    private static final Pattern ID = Pattern.compile("(?m)^(refused/\\d{20})\\s");
    private static final Pattern DOOMED_ID = Pattern.compile("(?m)^(doomed/\\d{20})\\s");

    private Distribution dist;
    private FeedServer feed;
    private RawReceiver raw;
    private Set<String> feedLines;
    private String refusedId;

    @BeforeAll
    void daemonWithThreeInputsAndAnApiThatRefusesTwo() throws Exception {
        dist = Distribution.copyOfBuilt("cybexp-deadletters-it");
        Path fixture = Path.of(System.getProperty("cybexp.it.fixtures")).resolve("openphish/feed.txt");
        feedLines = Set.copyOf(Files.readAllLines(fixture).stream().map(String::trim).filter(l -> !l.isEmpty())
                .toList());
        feed = new FeedServer();
        feed.serve(Files.readAllBytes(fixture));
        raw = new RawReceiver(TOKEN);
        raw.refuse(post -> List.of("refused", "doomed").contains(post.fields().get("name")));
        Path etc = dist.home().resolve("etc");
        Files.writeString(etc.resolve("cybexp.api.cfg"), "url = " + raw.url() + "\ntoken = " + TOKEN + "\n");
        for (String name : List.of("main", "refused", "doomed")) {
            Files.writeString(etc.resolve("cybexp.source.openphish-" + name + ".cfg"), "name = " + name
                    + "\norgid = it-org\ntypetag = openphish-file-feed\ntimezone = UTC\nurl = " + feed.url()
                    + "\nmin_interval = 0\nperiod = 3600\n");
        }
        Result start = dist.cli("start");
        assertEquals(0, start.code(), start.toString());
    }

    @AfterAll
    void stopEverything() throws Exception {
        try {
            dist.close();
        } finally {
            feed.close();
            raw.close();
        }
    }

    /** One scenario: each step builds on the one before, so they run as one test, never in a fixed order of tests. */
    @Test
    void refusedRecordsAreKeptShownPurgedAndReplayed() throws Exception {
        refusedRecordsLandInTheDeadLettersAndTheOthersAreDelivered();
        showGivesTheAnswerAndTheStartOfTheEvent();
        purgeNeedsIdsOrAnExplicitAll();
        afterFixingTheCauseReplayDeliversThem();
    }

    private void refusedRecordsLandInTheDeadLettersAndTheOthersAreDelivered() throws Exception {
        Await.until(60, "two dead letters", () -> ID.matcher(list().out()).find()
                && DOOMED_ID.matcher(list().out()).find());
        Await.until(30, "main delivered", () -> raw.posts().stream()
                .anyMatch(p -> p.fields().get("name").equals("main")));
        assertEquals(feedLines, Set.copyOf(raw.lines()), "main's records delivered, no refused one");

        Result list = list();
        assertEquals(0, list.code(), list.toString());
        assertTrue(list.out().startsWith("ID "), list.out());
        Matcher id = ID.matcher(list.out());
        assertTrue(id.find(), list.out());
        refusedId = id.group(1);
        String row = list.out().lines().filter(l -> l.startsWith(refusedId)).findFirst().orElseThrow();
        assertTrue(row.matches(Pattern.quote(refusedId) + "\\s+refused\\s+400\\s+\\S+Z\\s+\\d+\\s+"
                + "openphish-file-feed\\s+Invalid input: typetag"), row);
        assertEquals(2, list.out().lines().count() - 1, "one event per refused input");

        Result json = dist.cli("deadletters", "list", "--json", "-n", "refused");
        assertEquals(0, json.code(), json.toString());
        assertTrue(json.out().contains("\"id\":\"" + refusedId + "\""), json.out());
        assertFalse(json.out().contains("doomed/"), "only the input asked for");

        Result status = dist.cli("status", "--json");
        assertTrue(status.out().matches("(?s).*\"name\":\"refused\".*?\"dead_letters\":1,.*"), status.out());
        assertTrue(status.out().matches("(?s).*\"name\":\"main\".*?\"dead_letters\":0,"
                + "\"last_delivery\":\"[^\"]+Z\",\"delivery_state\":\"IDLE\".*"), status.out());
        Result table = dist.cli("status");
        assertTrue(table.out().contains("DEAD-LETTERS") && table.out().contains("DELIVERY"), table.out());
        assertTrue(table.out().lines().anyMatch(l -> l.matches("main\\s.*\\s0\\s+0\\s+last \\d+[smh] ago\\s.*")),
                table.out());
        for (Result r : List.of(list, json, status, table)) {
            assertFalse(r.out().contains(TOKEN) || r.err().contains(TOKEN), "the token is never shown");
        }
    }

    private void showGivesTheAnswerAndTheStartOfTheEvent() throws Exception {
        Result show = dist.cli("deadletters", "show", refusedId);
        assertEquals(0, show.code(), show.toString());
        assertTrue(show.out().contains("refused:  ") && show.out().contains("400 Invalid input: typetag"),
                show.out());
        assertTrue(show.out().contains("orgid:    it-org"), show.out());
        String firstUrl = Files.readAllLines(Path.of(System.getProperty("cybexp.it.fixtures"))
                .resolve("openphish/feed.txt")).get(0).trim();
        assertTrue(show.out().contains(firstUrl), show.out());
        assertFalse(show.out().contains(TOKEN));

        Result unknown = dist.cli("deadletters", "show", "refused/1");
        assertEquals(1, unknown.code(), unknown.toString());
        assertTrue(unknown.err().contains("no dead letter refused/1"), unknown.toString());
    }

    private void purgeNeedsIdsOrAnExplicitAll() throws Exception {
        Result bare = dist.cli("deadletters", "purge");
        assertEquals(1, bare.code(), bare.toString());
        assertTrue(bare.err().contains("needs dead-letter ids or --all") && bare.err().contains("Usage:"),
                bare.toString());

        Matcher doomed = DOOMED_ID.matcher(list().out());
        assertTrue(doomed.find());
        Result purge = dist.cli("deadletters", "purge", doomed.group(1));
        assertEquals(0, purge.code(), purge.toString());
        assertEquals("purged 1 dead letter: " + doomed.group(1) + "\n", purge.out());
        assertFalse(list().out().contains("doomed/"), "purged for good");
        assertEquals(1, dist.cli("deadletters", "purge", doomed.group(1)).code(), "an unknown id is an error");
    }

    private void afterFixingTheCauseReplayDeliversThem() throws Exception {
        raw.refuse(null);

        Result replay = dist.cli("deadletters", "replay", "--all");

        assertEquals(0, replay.code(), replay.toString());
        assertEquals("replayed 1 dead letter: " + refusedId + "\n", replay.out());
        Await.until(30, "refused input delivered", () -> raw.posts().stream()
                .anyMatch(p -> p.fields().get("name").equals("refused")));
        List<String> replayed = raw.posts().stream().filter(p -> p.fields().get("name").equals("refused"))
                .flatMap(p -> p.fileText().lines()).toList();
        assertEquals(feedLines, Set.copyOf(replayed));
        assertEquals(feedLines.size(), replayed.size(), "posted once");
        assertTrue(raw.posts().stream().noneMatch(p -> p.fields().get("name").equals("doomed")), "purged one");
        assertEquals("no dead letters\n", list().out());
        Await.until(10, "status counts no dead letter", () -> dist.cli("status", "--json").out()
                .matches("(?s).*\"name\":\"refused\".*?\"dead_letters\":0,.*"));
        Result nothing = dist.cli("deadletters", "replay", "--all");
        assertEquals(0, nothing.code(), nothing.toString());
        assertEquals("no dead letters replayed\n", nothing.out());
    }

    private Result list() throws Exception {
        return dist.cli("deadletters", "list");
    }
}
