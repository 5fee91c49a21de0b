package org.cybexp.input.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The data folders of the stores (where the core's state and dedup files go), one per store, deleted when the
 * JVM exits: a store has no close, and tests create many.
 */
final class TempDataFolders {

    private static final List<Path> CREATED = new ArrayList<>();
    private static boolean hooked;

    private TempDataFolders() {
    }

    static synchronized Path create() throws IOException {
        if (!hooked) {
            Runtime.getRuntime().addShutdownHook(new Thread(TempDataFolders::deleteAll, "testkit-data-cleanup"));
            hooked = true;
        }
        Path dir = Files.createTempDirectory("cybexp-testkit-");
        CREATED.add(dir);
        return dir;
    }

    private static synchronized void deleteAll() {
        CREATED.forEach(TempDataFolders::deleteTree);
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | RuntimeException e) {
            // best effort at exit: a leftover folder in the temp directory harms nobody
        }
    }
}
