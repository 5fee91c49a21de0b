package org.cybexp.input.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.cybexp.input.testkit.Distribution;
import org.junit.jupiter.api.Test;

/**
 * The daemon's class data archive through {@code bin/cybexp-input}, as an operator meets it: the first run writes
 * it when it stops, a later start checks it and maps it, and an archive cut short (a daemon killed while writing)
 * is thrown away rather than mapped (mapping one crashes the JVM).
 */
class ClassDataSharingIT {

    @Test
    void theFirstStopWritesItALaterStartMapsItAndATruncatedOneIsThrownAway() throws Exception {
        try (Distribution dist = Distribution.copyOfBuilt("cybexp-cds-it").environment("CYBEXP_CDS", "on")) {
            Path cds = dist.home().resolve("data/cds");
            String secret = "cds-it-token-5be1c0";
            dist.configure("cybexp.api.cfg", "url = http://127.0.0.1:9/api/v1.0/raw\ntoken = " + secret + "\n");

            assertEquals(0, dist.cli("start").code());
            long first = dist.daemonPid().orElseThrow();
            assertFalse(mapsAnArchive(first), "no archive yet to map");
            assertTrue(log(dist).contains("no class data archive yet for this Java and these jars"), log(dist));
            assertEquals(0, dist.cli("stop").code());
            Path part = only(cds, ".jsa.part");
            assertTrue(Files.size(part) > 1_000_000, "the stop wrote the archive: " + Files.size(part) + " bytes");
            assertFalse(new String(Files.readAllBytes(part), StandardCharsets.ISO_8859_1).contains(secret),
                    "classes only: no value of the running daemon (the token) is in the archive");

            try (RandomAccessFile file = new RandomAccessFile(part.toFile(), "rw")) {
                file.setLength(file.length() / 2); // as a kill -9 in the middle of writing leaves it
            }
            assertEquals(0, dist.cli("start").code(), "a truncated archive does not keep the daemon from starting");
            long second = dist.daemonPid().orElseThrow();
            assertFalse(mapsAnArchive(second), "the truncated archive is not mapped");
            assertEquals(List.of(), files(cds, ".jsa"), "nor taken as the archive");
            Await.until(60, "the inputs run", () -> dist.cli("status").out().contains("main"));
            assertEquals(0, dist.cli("stop").code());

            only(cds, ".jsa.part"); // written again, whole, at this stop
            Files.write(cds.resolve("daemon-1.jsa.part"), new byte[16]); // another Java's or options' unfinished one
            assertEquals(0, dist.cli("start").code());
            long third = dist.daemonPid().orElseThrow();
            Path archive = only(cds, ".jsa");
            assertTrue(mapsAnArchive(third), "a later start maps " + archive);
            assertEquals(List.of(), files(cds, ".jsa.part"), "taken, and the other fingerprint's removed");
            Await.until(60, "the inputs run", () -> dist.cli("status").out().contains("main"));
            assertFalse(log(dist).contains("[cds]"), "the JVM had nothing to complain about: " + log(dist));
            assertEquals(0, dist.cli("stop").code());
            assertEquals(List.of(archive), files(cds, ".jsa"), "a run that maps the archive leaves it as it is");
        }
    }

    /** Whether the process has a file of data/cds mapped (Linux: /proc/PID/maps). */
    private static boolean mapsAnArchive(long pid) throws IOException {
        return Files.readAllLines(Path.of("/proc", Long.toString(pid), "maps")).stream()
                .anyMatch(line -> line.contains("/data/cds/daemon-") && line.endsWith(".jsa"));
    }

    private static Path only(Path folder, String suffix) throws IOException {
        List<Path> found = files(folder, suffix);
        assertEquals(1, found.size(), "one file *" + suffix + " in " + folder + ": " + found);
        return found.get(0);
    }

    private static List<Path> files(Path folder, String suffix) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(file -> file.getFileName().toString().endsWith(suffix)).sorted().toList();
        }
    }

    private static String log(Distribution dist) throws IOException {
        return Files.readString(dist.home().resolve("log/cybexp-input.log"));
    }
}
