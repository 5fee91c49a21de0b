package org.cybexp.input.source.misp;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.cybexp.input.api.InvalidConfigException;

/**
 * Which folders a drop folder may be. The input creates {@code processed/} and {@code failed/} in it and moves
 * every {@code *.json} it finds, so it must never be a system folder: not {@code /}, not a folder directly
 * under {@code /} ({@code /tmp}, {@code /home}: shared by everyone), nothing in the system's own trees
 * ({@code /etc}, {@code /usr}, {@code /var/lib}...). A relative path stays inside the installation folder:
 * {@code ../elsewhere} is refused, as is the installation folder itself.
 */
public final class DirectoryRule {

    /** The system's trees: the operating system, its packages' state, kernel and runtime file systems. */
    public static final List<Path> SYSTEM_TREES = List.of("/etc", "/usr", "/bin", "/sbin", "/lib", "/lib32",
            "/lib64",
            "/libx32", "/boot", "/dev", "/proc", "/sys", "/run", "/var/lib", "/var/run", "/var/log", "/var/cache",
            "/var/spool", "/var/mail").stream().map(Path::of).toList();

    private DirectoryRule() {
    }

    /** The configured directory, absolute and normalized, or why it is refused. */
    public static Path resolve(String text, String home) throws InvalidConfigException {
        Path path;
        try {
            path = Path.of(text.strip());
        } catch (InvalidPathException e) {
            throw new InvalidConfigException("directory", "is not a valid path (" + e.getReason() + ")");
        }
        if (text.isBlank()) {
            throw new InvalidConfigException("directory", "is empty");
        }
        if (!path.isAbsolute()) {
            Path base = (home.isEmpty() ? Path.of("") : Path.of(home)).toAbsolutePath().normalize();
            path = base.resolve(path).normalize();
            if (!path.startsWith(base) || path.equals(base)) {
                throw new InvalidConfigException("directory", "a relative path must lead inside the installation "
                        + "folder " + base + "; give an absolute path for a folder elsewhere");
            }
        }
        path = path.normalize();
        Optional<String> refusal = refusal(path);
        if (refusal.isPresent()) {
            throw new InvalidConfigException("directory", refusal.get());
        }
        return path;
    }

    /** Why an absolute folder (as configured, or where its links lead) must not be a drop folder. */
    public static Optional<String> refusal(Path absolute) {
        Path path = absolute.normalize();
        for (Path tree : SYSTEM_TREES) {
            if (path.startsWith(tree)) {
                return Optional.of("is inside the system folder " + tree + ": files there must never be moved; "
                        + "use a folder of its own, e.g. /srv/misp-exports");
            }
        }
        if (path.getNameCount() <= 1) {
            return Optional.of("is " + path + ": the root or a folder directly under it is shared by the whole "
                    + "system; use a folder of its own, e.g. /srv/misp-exports");
        }
        return Optional.empty();
    }
}
