package org.cybexp.input.source.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Stream;

import org.cybexp.input.api.InvalidConfigException;

/**
 * The {@code paths} and {@code exclude} globs, and the walk that lists the files they match. A glob is walked
 * from its longest folder prefix without wildcards, as deep as its segments reach ({@code **}: any depth).
 * {@code **}{@code /} also matches no folder at all ({@code /data/**}{@code /eve.json} matches
 * {@code /data/eve.json}), as in most tools.
 */
final class PathGlobs {

    private record Include(Path base, int depth, List<PathMatcher> matchers) {
    }

    private final List<Include> includes;
    private final List<PathMatcher> excludes;
    private final List<PathMatcher> excludedNames;
    private final String shown;

    private PathGlobs(List<Include> includes, List<PathMatcher> excludes, List<PathMatcher> excludedNames,
            String shown) {
        this.includes = includes;
        this.excludes = excludes;
        this.excludedNames = excludedNames;
        this.shown = shown;
    }

    static PathGlobs of(String paths, String exclude) throws InvalidConfigException {
        List<Include> includes = new ArrayList<>();
        for (String glob : split(paths)) {
            includes.add(include(glob));
        }
        if (includes.isEmpty()) {
            throw new InvalidConfigException("paths", "is required: absolute paths or globs, comma-separated");
        }
        List<PathMatcher> excludes = new ArrayList<>();
        List<PathMatcher> names = new ArrayList<>();
        for (String glob : split(exclude)) {
            try {
                (glob.contains("/") ? excludes : names).addAll(matchers(glob));
            } catch (PatternSyntaxException e) {
                throw new InvalidConfigException("exclude", "is not a glob: " + glob + " (" + e.getDescription() + ")");
            }
        }
        return new PathGlobs(List.copyOf(includes), excludes, names, paths.strip());
    }

    private static List<String> split(String text) {
        List<String> out = new ArrayList<>();
        for (String part : text == null ? new String[0] : text.split(",")) {
            if (!part.isBlank()) {
                out.add(part.strip());
            }
        }
        return out;
    }

    private static Include include(String glob) throws InvalidConfigException {
        Path path;
        try {
            path = Path.of(glob.replaceAll("[*?\\[\\]{}]", "x")); // only to check the shape
        } catch (InvalidPathException e) {
            throw new InvalidConfigException("paths", "is not a path: " + glob);
        }
        if (!path.isAbsolute()) {
            throw new InvalidConfigException("paths", "must be absolute: " + glob);
        }
        String[] segments = glob.substring(1).split("/");
        Path base = Path.of("/");
        int i = 0;
        while (i < segments.length - 1 && !hasWildcard(segments[i])) {
            base = base.resolve(segments[i]);
            i++;
        }
        boolean deep = glob.contains("**");
        int depth = deep ? Integer.MAX_VALUE : segments.length - i;
        try {
            return new Include(base, depth, matchers(glob));
        } catch (PatternSyntaxException e) {
            throw new InvalidConfigException("paths", "is not a glob: " + glob + " (" + e.getDescription() + ")");
        }
    }

    private static List<PathMatcher> matchers(String glob) {
        List<PathMatcher> out = new ArrayList<>();
        out.add(FileSystems.getDefault().getPathMatcher("glob:" + glob));
        if (glob.contains("**/")) {
            out.add(FileSystems.getDefault().getPathMatcher("glob:" + glob.replace("**/", "")));
        }
        return out;
    }

    private static boolean hasWildcard(String segment) {
        return segment.chars().anyMatch(ch -> "*?[]{}".indexOf(ch) >= 0);
    }

    /** The regular files the globs match now, without the excluded ones; folders that cannot be read are skipped. */
    Set<Path> files() {
        Set<Path> found = new LinkedHashSet<>();
        for (Include include : includes) {
            if (!Files.isDirectory(include.base)) {
                continue;
            }
            // links followed (a folder may be a link to a mount); a loop ends the walk, found files are kept
            try (Stream<Path> walk = Files.walk(include.base, include.depth, FileVisitOption.FOLLOW_LINKS)) {
                walk.filter(p -> matches(include.matchers, p) && !excluded(p) && Files.isRegularFile(p))
                        .forEach(found::add);
            } catch (IOException | UncheckedIOException | DirectoryIteratorException e) {
                // a folder vanished or is unreadable during the walk: what was found is kept, the next look retries
            }
        }
        return found;
    }

    private static boolean matches(List<PathMatcher> matchers, Path path) {
        for (PathMatcher m : matchers) {
            if (m.matches(path)) {
                return true;
            }
        }
        return false;
    }

    private boolean excluded(Path path) {
        Path name = path.getFileName();
        return matches(excludes, path) || (name != null && matches(excludedNames, name));
    }

    @Override
    public String toString() {
        return shown;
    }
}
