package org.cybexp.input.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The command line as DESIGN.md gives it: -p/-n take one or more values and may repeat. */
class InvocationTest {

    @Test
    void selectionTakesSeveralValuesAndRepeats() throws Exception {
        Invocation i = Invocation.parse("start", "-p", "openphish", "misp_api", "-n", "main", "--plugin", "http");
        assertEquals("start", i.verb());
        assertEquals(List.of("openphish", "misp_api", "http"), i.plugins());
        assertEquals(List.of("main"), i.names());
        assertTrue(i.hasSelection());
    }

    @Test
    void flags() throws Exception {
        assertTrue(Invocation.parse("status", "--json").json());
        assertTrue(Invocation.parse("stop", "--now").now());
        assertTrue(Invocation.parse("run", "--shell").shell());
        assertEquals("help", Invocation.parse("--help").verb());
    }

    @Test
    void badUsageSaysWhatIsWrong() {
        assertEquals("missing command", message());
        assertEquals("unknown command 'launch'", message("launch"));
        assertEquals("-p needs at least one value", message("start", "-p"));
        assertEquals("-n needs at least one value", message("stop", "-n", "-p", "x"));
        assertEquals("status takes no -p selection (-n NAME selects inputs)", message("status", "-p", "openphish"));
        assertEquals("run takes no -p/-n selection", message("run", "-n", "main"));
        assertEquals("fetch needs the inputs to fetch", message("fetch"));
        assertEquals("logs shows one input's lines at a time", message("logs", "-n", "a", "b"));
        assertEquals("-f is an option of logs only", message("status", "-f"));
        assertEquals("--json is an option of status and deadletters list/show only", message("stop", "--json"));
        assertEquals("--shell is an option of run only", message("start", "--shell"));
        assertEquals("unexpected argument 'main' for start", message("start", "main"));
    }

    @Test
    void newVerbsTakeTheirOptions() throws Exception {
        assertEquals(List.of("main"), Invocation.parse("status", "-n", "main").names());
        assertEquals(List.of("a", "b"), Invocation.parse("fetch", "-n", "a", "b").names());
        Invocation logs = Invocation.parse("logs", "-f", "-n", "main");
        assertTrue(logs.follow());
        assertEquals(List.of("main"), logs.names());
        assertEquals("version", Invocation.parse("version").verb());
    }

    @Test
    void aMisusedDeadLetterActionPrintsItsOwnUsageLineOnly() {
        Invocation.UsageException e = assertThrows(Invocation.UsageException.class,
                () -> Invocation.parse("deadletters", "replay"));
        assertEquals("Usage: cybexp-input deadletters replay ID...|--all [-n NAME...]\n", e.usageToPrint());
    }

    @Test
    void deadLettersTakeAnActionAndIdsOrAnExplicitAll() throws Exception {
        Invocation list = Invocation.parse("deadletters", "list", "-n", "main", "other", "--json");
        assertEquals("list", list.action());
        assertEquals(List.of("main", "other"), list.names());
        assertTrue(list.json());
        Invocation show = Invocation.parse("deadletters", "show", "--json", "main/00000000000000000001");
        assertEquals(List.of("main/00000000000000000001"), show.ids());
        Invocation replay = Invocation.parse("deadletters", "replay", "main/1", "main/2");
        assertEquals(List.of("main/1", "main/2"), replay.ids());
        assertFalse(replay.all());
        Invocation purge = Invocation.parse("deadletters", "purge", "--all", "-n", "main");
        assertTrue(purge.all());
        assertEquals(List.of(), purge.ids());
        assertEquals(List.of("main"), purge.names());
    }

    @Test
    void deadLettersBadUsageSaysWhatIsWrong() {
        assertEquals("deadletters needs one of list, show, replay, purge", message("deadletters"));
        assertEquals("deadletters needs one of list, show, replay, purge, not 'resend'",
                message("deadletters", "resend"));
        assertEquals("deadletters purge needs dead-letter ids or --all (not both)", message("deadletters", "purge"));
        assertEquals("deadletters replay needs dead-letter ids or --all (not both)",
                message("deadletters", "replay", "main/1", "--all"));
        assertEquals("deadletters replay: -n selects inputs for --all only",
                message("deadletters", "replay", "main/1", "-n", "main"));
        assertEquals("deadletters show takes exactly one dead-letter id", message("deadletters", "show"));
        assertEquals("deadletters show takes exactly one dead-letter id", message("deadletters", "show", "a/1", "b/2"));
        assertEquals("deadletters list takes no ids nor --all (-n NAME lists some inputs only)",
                message("deadletters", "list", "a/1"));
        assertEquals("deadletters list takes no -p selection (-n NAME selects inputs)",
                message("deadletters", "list", "-p", "openphish"));
        assertEquals("--json is an option of status and deadletters list/show only",
                message("deadletters", "purge", "--all", "--json"));
        assertEquals("--all is an option of deadletters replay/purge only", message("stop", "--all"));
        assertEquals("unexpected argument 'a/1' for status", message("status", "a/1"));
    }

    private static String message(String... args) {
        return assertThrows(Invocation.UsageException.class, () -> Invocation.parse(args)).getMessage();
    }
}
