package org.cybexp.input.core.config;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.cybexp.input.api.InvalidConfigException;

/**
 * The folders {@code file:} URLs may read from ({@code allowed_file_roots}): without it any input could read
 * any file the daemon can ({@code url = file:/etc/shadow}) and post or log its lines. Relative roots are inside
 * the installation folder ({@code cybexp.home}); the default is its {@code feeds/} folder. Paths are compared
 * after resolving symbolic links, so a link inside a root cannot point out of it.
 */
public final class FileRoots {

    /** The default of {@code allowed_file_roots}. */
    public static final String DEFAULT = "feeds";

    private final Path home;

    /** @param home the installation folder, against which relative roots are resolved */
    public FileRoots(Path home) {
        this.home = home.toAbsolutePath().normalize();
    }

    /** The roots of the running installation: {@code cybexp.home}, or the current folder outside one. */
    public static FileRoots ofInstallation() {
        String configured = System.getProperty("cybexp.home");
        return new FileRoots(Path.of(configured == null || configured.isBlank() ? "" : configured));
    }

    /** @throws InvalidConfigException if {@code value} is a {@code file:} URL outside the allowed roots */
    void check(String key, String value, String configuredRoots) throws InvalidConfigException {
        if (!value.toLowerCase(Locale.ROOT).startsWith("file:")) {
            return;
        }
        Path file;
        try {
            URI uri = new URI(value.trim());
            if (uri.getPath() == null || uri.getPath().isEmpty()) {
                return; // the plugin refuses a file: URL without a path with its own message
            }
            file = real(Path.of(uri.getPath()));
        } catch (URISyntaxException | IllegalArgumentException e) {
            return; // not a URL the plugin could read either; its own check names the problem
        }
        List<Path> roots = roots(configuredRoots);
        if (roots.stream().noneMatch(file::startsWith)) {
            throw new InvalidConfigException(key, "reads a file outside the folders file: URLs may read ("
                    + String.join(", ", roots.stream().map(Path::toString).toList())
                    + "); put the file there or add its folder to allowed_file_roots");
        }
    }

    private List<Path> roots(String configured) {
        List<Path> roots = new ArrayList<>();
        for (String root : (configured == null || configured.isBlank() ? DEFAULT : configured).split(",")) {
            if (!root.isBlank()) {
                roots.add(real(home.resolve(root.trim())));
            }
        }
        return roots;
    }

    /** The path with links resolved as far as it exists, so {@code feeds/../../etc} or a link cannot escape. */
    private static Path real(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        Path existing = absolute;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return absolute;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(absolute));
        } catch (IOException e) {
            return absolute;
        }
    }
}
