package org.cybexp.input.source.mispfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 50 MB MISP event under a 256 MiB heap (issue 20): it used to run the heap out on every look, so the file
 * never left and the files behind it waited forever. Now it is passed over with its size (the default
 * max_event_bytes is a sixteenth of the heap), its file goes to failed/, and the next file is posted.
 */
class LargeEventTest {

    @TempDir
    Path base;

    @Test
    void aFiftyMegabyteEventNoLongerBlocksTheFileBehindIt() throws Exception {
        Map<String, String> run = runWithSmallHeap(base.resolve("drop"));

        assertEquals(LargeEventRun.SMALL, run.get("events"), run.toString());
        assertEquals("true", run.get("processed"), run.toString());
        assertEquals("true", run.get("failed"), run.toString());
        assertTrue(run.get("failure").startsWith("moved to failed/ (see its .reason files): a-large.json (event "
                + LargeEventRun.LARGE + " is 50000369 bytes, over max_event_bytes ("), run.toString());
        assertTrue(run.get("failure").endsWith("): nothing posted)"), run.toString());
        assertTrue(Long.parseLong(run.get("peakMiB")) < 128, run.toString());
    }

    private static Map<String, String> runWithSmallHeap(Path dir) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "-Xmx256m", "-XX:+UseSerialGC", "-cp",
                System.getProperty("java.class.path"), LargeEventRun.class.getName(), dir.toString())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), output);
        assertEquals(0, process.exitValue(), output);
        System.out.println("LargeEventTest, -Xmx256m: " + output.replace('\n', ' '));
        return output.lines().filter(l -> l.contains("=") && !l.startsWith("["))
                .collect(Collectors.toMap(l -> l.substring(0, l.indexOf('=')), l -> l.substring(l.indexOf('=') + 1)));
    }
}
