package org.cybexp.input.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
        assertEquals("status takes no -p/-n selection", message("status", "-n", "main"));
        assertEquals("--json is an option of status only", message("stop", "--json"));
        assertEquals("--shell is an option of run only", message("start", "--shell"));
        assertEquals("unexpected argument 'main' for start", message("start", "main"));
    }

    private static String message(String... args) {
        return assertThrows(Invocation.UsageException.class, () -> Invocation.parse(args)).getMessage();
    }
}
