package org.cybexp.input.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import org.junit.jupiter.api.Test;

/** The log's lines: JUL in slf4j-simple's format, the shell's split, one input's lines. */
class LogLinesTest {

    @Test
    void julLinesLookLikeTheRest() {
        LogRecord record = new LogRecord(Level.INFO, "Registered provider {0}");
        record.setParameters(new Object[] {"SimpleServiceProvider"});
        record.setLoggerName("org.apache.aries.spifly.BaseActivator");
        String line = new JulLineFormat().format(record);
        assertTrue(line.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) \\[[^]]+\\] INFO"
                + " BaseActivator - Registered provider SimpleServiceProvider\\n"), line);
        record.setLevel(Level.WARNING);
        assertTrue(new JulLineFormat().format(record).contains("] WARN BaseActivator - "));
    }

    @Test
    void theShellGetsItsOwnLinesAndTheLogGetsLogRecords() {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        ByteArrayOutputStream terminal = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(new ShellLogSplitter(log, terminal), true, StandardCharsets.UTF_8);
        err.println("2026-12-01T17:07:18.708Z [main] ERROR X - it failed");
        err.println("java.io.IOException: boom");
        err.println("\tat a.b.C.d(C.java:1)");
        err.println("gogo: CommandNotFoundException: Command not found: frob");
        err.print("g! ");
        err.flush();
        String logged = log.toString(StandardCharsets.UTF_8);
        String shown = terminal.toString(StandardCharsets.UTF_8);
        assertTrue(logged.contains("it failed") && logged.contains("IOException: boom")
                && logged.contains("at a.b.C.d"), logged);
        assertEquals("gogo: CommandNotFoundException: Command not found: frob\ng! ", shown.replace("\r", ""));
    }

    @Test
    void oneInputsLinesAreItsThreadsAndThoseNamingIt() {
        Predicate<String> main = LogView.of("main");
        assertTrue(main.test("2026 [cybexp-input-main] INFO CybexSourceFetcher - fetched 3"));
        assertTrue(main.test("2026 [FelixStartLevel] INFO PluginManagerImpl - input 'main' (openphish) started"));
        assertTrue(main.test("2026 [cybexp-delivery-1] WARN Deliverer - input main: 3 events left in the outbox"));
        assertFalse(main.test("2026 [cybexp-input-mainly] INFO CybexSourceFetcher - fetched 3"));
        assertFalse(main.test("2026 [FelixStartLevel] INFO PluginManagerImpl - input 'other' started"));
    }

    @Test
    void slf4jSimpleLevelsInSystemPropertiesApplyToJulLoggersToo() {
        String key = "org.slf4j.simpleLogger.log.org.cybexp.test.loglines";
        System.setProperty(key, "warn");
        try {
            JulLineFormat.applySlf4jLevels();
            java.util.logging.Logger child = java.util.logging.Logger.getLogger("org.cybexp.test.loglines.Activator");
            assertFalse(child.isLoggable(Level.INFO), "INFO is off below a logger set to warn");
            assertTrue(child.isLoggable(Level.WARNING));
            assertTrue(java.util.logging.Logger.getLogger("org.cybexp.test.other").isLoggable(Level.INFO));
        } finally {
            System.clearProperty(key);
        }
    }
}
