package org.cybexp.input.testkit;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a test finds real data other people wrote (feeds, logs, syslog vectors): {@code -Dcybexp.real=DIR}, else
 * the first {@code shared/real} folder in the parents of the working folder (the project keeps it beside its
 * checkout, not in it: it is under its authors' licences). Tests in a module run in the module's folder, so any
 * depth of checkout or worktree finds it.
 */
public final class RealData {

    /** The system property that points at the folder explicitly. */
    public static final String PROPERTY = "cybexp.real";

    private RealData() {
    }

    /**
     * @param sub a folder inside the real data, e.g. {@code syslog} or {@code httpapi/mock-bodies}
     * @return that folder, absolute
     * @throws IllegalStateException when it is nowhere, saying where it was looked for
     */
    public static Path folder(String sub) {
        String given = System.getProperty(PROPERTY);
        if (given != null && !given.isBlank()) {
            Path dir = Path.of(given).resolve(sub).toAbsolutePath().normalize();
            if (Files.isDirectory(dir)) {
                return dir;
            }
            throw new IllegalStateException("-D" + PROPERTY + "=" + given + " has no folder " + sub);
        }
        Path start = Path.of("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared/real").resolve(sub);
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no shared/real/" + sub + " in " + start + " or its parents; give -D"
                + PROPERTY + "=DIR");
    }
}
