package org.cybexp.input.source.openphish;

import java.util.Locale;
import java.util.Optional;

/**
 * Decides whether a feed line is an absolute http or https URL with a host. Deliberately more lenient than
 * {@link java.net.URI}: phishing URLs often hold characters RFC 3986 forbids ({@code |}, {@code {}, raw
 * non-ASCII) and are still worth reporting, so only the scheme, the host and the absence of whitespace and
 * control characters are checked.
 */
final class FeedUrlSyntax {

    private FeedUrlSyntax() {
    }

    /** What is wrong with a trimmed, non-empty line as a URL; empty when it is acceptable. */
    static Optional<String> problem(String text) {
        int schemeEnd = text.indexOf("://");
        String scheme = schemeEnd < 0 ? "" : text.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return Optional.of("not an http or https URL");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c)) {
                return Optional.of("whitespace or control characters inside the URL");
            }
        }
        return hostOf(text.substring(schemeEnd + 3)).isEmpty() ? Optional.of("URL without a host") : Optional.empty();
    }

    /** The host of what follows {@code scheme://}: user info and port removed; empty when there is none. */
    private static String hostOf(String rest) {
        int end = rest.length();
        for (char delimiter : new char[] {'/', '?', '#'}) {
            int at = rest.indexOf(delimiter);
            if (at >= 0 && at < end) {
                end = at;
            }
        }
        String authority = rest.substring(0, end);
        String hostPort = authority.substring(authority.lastIndexOf('@') + 1);
        if (hostPort.startsWith("[")) { // IPv6 literal
            int close = hostPort.indexOf(']');
            return close > 1 && validPort(hostPort.substring(close + 1)) ? hostPort.substring(0, close + 1) : "";
        }
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0) {
            return hostPort;
        }
        return validPort(hostPort.substring(colon)) ? hostPort.substring(0, colon) : "";
    }

    /** An empty port part, or {@code :} followed by digits only (an empty port is allowed by RFC 3986). */
    private static boolean validPort(String part) {
        if (part.isEmpty()) {
            return true;
        }
        if (part.charAt(0) != ':' || part.length() > 6) {
            return false;
        }
        return part.chars().skip(1).allMatch(c -> c >= '0' && c <= '9');
    }
}
