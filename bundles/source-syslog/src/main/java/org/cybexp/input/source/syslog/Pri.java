package org.cybexp.input.source.syslog;

/** The {@code <PRI>} at the start of a message: 1-3 digits, 0 to 191. */
final class Pri {

    private Pri() {
    }

    /** The index after the {@code >}, or -1 when the message does not start with a valid PRI. */
    static int length(String s) {
        if (s.isEmpty() || s.charAt(0) != '<') {
            return -1;
        }
        int i = 1;
        while (i < s.length() && i <= 3 && Character.isDigit(s.charAt(i)) && s.charAt(i) < 128) {
            i++;
        }
        if (i == 1 || i >= s.length() || s.charAt(i) != '>') {
            return -1;
        }
        int value = Integer.parseInt(s.substring(1, i));
        return value <= 191 ? i + 1 : -1;
    }

    static int value(String s, int end) {
        return Integer.parseInt(s.substring(1, end - 1));
    }

    /** Whether the PRI has no leading zero (RFC 5424: "<0>" is fine, "<01>" is not). */
    static boolean strict(String s, int end) {
        return end == 3 || s.charAt(1) != '0';
    }
}
