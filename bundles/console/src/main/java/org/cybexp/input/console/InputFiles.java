package org.cybexp.input.console;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The input files of {@code etc/}: {@code cybexp.source.<plugin>-<instance>.cfg}. The console edits these very
 * files, so an edit made in the browser is one made in the file: the daemon reads it the same way, and it
 * survives a restart.
 */
final class InputFiles {

    private static final String PREFIX = "cybexp.source.";
    /** FileInstall splits at the first '-': a plugin name has none; an instance name is kept simple. */
    static final Pattern PLUGIN = Pattern.compile("[a-z0-9_]+");
    static final Pattern INSTANCE = Pattern.compile("[A-Za-z0-9_]+");

    private final Path etc;
    private final Path scratch;

    /** @param scratch where a new file is written before it is moved into etc/ (FileInstall never sees it half written) */
    InputFiles(Path etc, Path scratch) {
        this.etc = etc;
        this.scratch = scratch;
    }

    Path etc() {
        return etc;
    }

    /** The file of the input with this name and plugin, if it has one in etc/. */
    Optional<Path> of(String plugin, String name) throws IOException {
        if (!PLUGIN.matcher(plugin).matches() || !Files.isDirectory(etc)) {
            return Optional.empty();
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(etc, PREFIX + plugin + "-*.cfg")) {
            for (Path file : files) {
                Map<String, String> values = new CfgEdit(Files.readString(file, StandardCharsets.UTF_8)).values();
                String declared = values.getOrDefault("name", values.getOrDefault("human_name", ""));
                String named = declared.isBlank() ? instanceOf(file) : declared;
                if (named.equals(name)) {
                    return Optional.of(file);
                }
            }
        }
        return Optional.empty();
    }

    /** The file a new input of this plugin and instance name goes to; refused if the names are not plain. */
    Path newFile(String plugin, String instance) {
        if (!PLUGIN.matcher(plugin).matches()) {
            throw new IllegalArgumentException("not a plugin name: " + plugin);
        }
        if (!INSTANCE.matcher(instance).matches()) {
            throw new IllegalArgumentException("the name may hold letters, digits and _ only");
        }
        return etc.resolve(PREFIX + plugin + "-" + instance + ".cfg");
    }

    /** Writes the file whole, then moves it into place: FileInstall reads either the old or the new one. */
    void write(Path file, String content) throws IOException {
        Files.createDirectories(scratch);
        Path temp = Files.createTempFile(scratch, "console-", ".cfg.tmp");
        try {
            try {
                Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: its own rules apply
            }
            Files.writeString(temp, content, StandardCharsets.UTF_8);
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    static String instanceOf(Path file) {
        String base = file.getFileName().toString();
        return base.substring(base.indexOf('-') + 1, base.length() - ".cfg".length());
    }
}
