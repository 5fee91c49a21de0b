package org.cybexp.input.configfiles;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Hashtable;
import java.util.Properties;

/**
 * One {@code etc/cybexp*.cfg} file as FileInstall names it: {@code <pid>.cfg} or {@code <factoryPid>-<name>.cfg}
 * (split at the first {@code -}), read as plain properties: unlike FileInstall we substitute nothing, so a
 * {@code ${env:NAME}} stays a placeholder in ConfigAdmin.
 *
 * @param pid the PID, or the factory PID when {@code name} is not null
 * @param name the factory configuration's name, null for a singleton
 */
record CfgFile(Path path, String pid, String name) {

    /** The property FileInstall marks its configurations with; ours carry it too, so tools treat them alike. */
    static final String FILENAME = "felix.fileinstall.filename";

    static CfgFile of(Path path) {
        String base = path.getFileName().toString();
        base = base.substring(0, base.length() - ".cfg".length());
        int dash = base.indexOf('-');
        return dash > 0 ? new CfgFile(path, base.substring(0, dash), base.substring(dash + 1))
                : new CfgFile(path, base, null);
    }

    /** Whether a file is one of ours: the others (Felix's, the web server's) stay FileInstall's. */
    static boolean isOurs(Path path) {
        String file = path.getFileName().toString();
        return file.startsWith("cybexp") && file.endsWith(".cfg");
    }

    boolean isFactory() {
        return name != null;
    }

    /** The value of {@link #FILENAME}: the file's URI, as FileInstall writes it. */
    String fileKey() {
        return path.toAbsolutePath().toUri().toString();
    }

    /** The file's keys and values, trimmed as {@link Properties} does, plus {@link #FILENAME}. */
    Hashtable<String, Object> read(Charset encoding) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(path, encoding)) {
            properties.load(reader);
        }
        Hashtable<String, Object> values = new Hashtable<>();
        properties.stringPropertyNames().forEach(key -> values.put(key, properties.getProperty(key).trim()));
        values.put(FILENAME, fileKey());
        return values;
    }
}
