package org.cybexp.input.source.misp;

/**
 * A file name as it may be shown in a log line, a status or a {@code .reason} file: control characters (a
 * newline that would forge a log line, an escape sequence that would rewrite a terminal) become {@code \xNN}
 * or {@code \\uNNNN}, and a backslash is doubled so that the result reads back unambiguously.
 */
public final class PrintableName {

    private PrintableName() {
    }

    public static String of(String name) {
        StringBuilder out = new StringBuilder(name.length());
        name.codePoints().forEach(c -> {
            if (c == '\\') {
                out.append("\\\\");
            } else if (c < 0x20 || c == 0x7F) {
                out.append(String.format("\\x%02x", c));
            } else if (Character.getType(c) == Character.CONTROL || Character.getType(c) == Character.FORMAT
                    || c == 0x2028 || c == 0x2029) {
                out.append(String.format("\\u%04x", c)); // C1 controls, bidi overrides, line separators
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }
}
