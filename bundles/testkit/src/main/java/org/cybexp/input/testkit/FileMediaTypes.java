package org.cybexp.input.testkit;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** The media type of a local file from its extension, for {@code file:} URLs, as the core guesses it. */
final class FileMediaTypes {

    private static final Map<String, String> BY_EXTENSION = Map.ofEntries(
            Map.entry("json", "application/json"),
            Map.entry("jsonl", "application/x-ndjson"),
            Map.entry("ndjson", "application/x-ndjson"),
            Map.entry("csv", "text/csv"),
            Map.entry("txt", "text/plain"),
            Map.entry("xml", "application/xml"),
            Map.entry("gz", "application/gzip"),
            Map.entry("bz2", "application/x-bzip2"),
            Map.entry("zip", "application/zip"));

    private FileMediaTypes() {
    }

    static String of(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String extension = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        return BY_EXTENSION.getOrDefault(extension, "application/octet-stream");
    }
}
