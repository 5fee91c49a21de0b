package org.cybexp.input.console;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * An edit of an {@code etc/*.cfg} file that keeps its comments, order and untouched lines: values are replaced
 * in place, new keys appended. Keys and values are read and written with {@link Properties}' rules, as the
 * daemon's installer reads them.
 */
final class CfgEdit {

    /** One logical line (a key's line with its continuations, or a comment or blank line) and its key. */
    private record Entry(String text, String key) {
    }

    private final List<Entry> entries = new ArrayList<>();

    CfgEdit(String content) throws IOException {
        StringBuilder logical = new StringBuilder();
        for (String line : content.split("\n", -1)) {
            logical.append(line);
            if (continues(line)) {
                logical.append('\n');
                continue;
            }
            String text = logical.toString();
            logical.setLength(0);
            entries.add(new Entry(text, keyOf(text)));
        }
        if (!entries.isEmpty() && entries.get(entries.size() - 1).text().isEmpty()) {
            entries.remove(entries.size() - 1); // the file's final newline
        }
    }

    /** The values as the daemon reads them (trimmed). */
    Map<String, String> values() throws IOException {
        Properties properties = new Properties();
        properties.load(new StringReader(text()));
        Map<String, String> out = new LinkedHashMap<>();
        for (Entry entry : entries) {
            if (entry.key() != null && properties.getProperty(entry.key()) != null) {
                out.put(entry.key(), properties.getProperty(entry.key()).trim());
            }
        }
        return out;
    }

    void set(String key, String value) {
        String line = escapeKey(key) + " = " + escapeValue(value);
        boolean done = false;
        for (int i = 0; i < entries.size(); i++) {
            if (key.equals(entries.get(i).key())) {
                if (done) {
                    entries.remove(i--); // a later duplicate would win when read
                } else {
                    entries.set(i, new Entry(line, key));
                    done = true;
                }
            }
        }
        if (!done) {
            entries.add(new Entry(line, key));
        }
    }

    void remove(String key) {
        entries.removeIf(entry -> key.equals(entry.key()));
    }

    String text() {
        StringBuilder out = new StringBuilder();
        entries.forEach(entry -> out.append(entry.text()).append('\n'));
        return out.toString();
    }

    private static boolean continues(String line) {
        int backslashes = 0;
        for (int i = line.length() - 1; i >= 0 && line.charAt(i) == '\\'; i--) {
            backslashes++;
        }
        return backslashes % 2 == 1;
    }

    private static String keyOf(String logical) throws IOException {
        Properties one = new Properties();
        one.load(new StringReader(logical));
        return one.isEmpty() ? null : one.stringPropertyNames().iterator().next();
    }

    private static String escapeKey(String key) {
        return escape(key, true);
    }

    static String escapeValue(String value) {
        return escape(value, false);
    }

    private static String escape(String text, boolean key) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '=', ':', '#', '!' -> out.append(key || i == 0 ? "\\" + c : String.valueOf(c));
                case ' ' -> out.append(key || i == 0 ? "\\ " : " ");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
