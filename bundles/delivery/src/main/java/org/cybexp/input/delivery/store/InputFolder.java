package org.cybexp.input.delivery.store;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The folder name of an input under {@code outbox/}, {@code deadletter/} and {@code archive/}. Input names are
 * free text (e.g. {@code UNR Cowrie Honeypot}), so anything but {@code [A-Za-z0-9_-]} and inner dots is written
 * as {@code %XX} of its UTF-8 bytes: no name can escape its folder or clash with another.
 */
public final class InputFolder {

    private InputFolder() {
    }

    /** The folder name of an input name. */
    public static String of(String inputName) {
        StringBuilder out = new StringBuilder();
        byte[] bytes = inputName.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            char c = (char) (bytes[i] & 0xff);
            boolean plain = c < 0x80 && (Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.' && i > 0);
            out.append(plain ? String.valueOf(c) : String.format("%%%02X", (int) c));
        }
        return out.toString();
    }

    /** The input name of a folder name written by {@link #of}. */
    public static String nameOf(String folder) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < folder.length(); i++) {
            char c = folder.charAt(i);
            if (c == '%' && isHex(folder, i + 1)) {
                bytes.write(Integer.parseInt(folder.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static boolean isHex(String text, int from) {
        return from + 1 < text.length() && Character.digit(text.charAt(from), 16) >= 0
                && Character.digit(text.charAt(from + 1), 16) >= 0;
    }
}
