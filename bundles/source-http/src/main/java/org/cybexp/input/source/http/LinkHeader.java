package org.cybexp.input.source.http;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the {@code rel="next"} target of an RFC 8288 {@code Link} header (GitHub, GitLab, Okta style). */
final class LinkHeader {

    private static final Pattern LINK = Pattern.compile("<([^>]*)>((?:\\s*;\\s*[^;,]+)*)");
    private static final Pattern REL = Pattern.compile("(?i)rel\\s*=\\s*\"?([^\";]+)\"?");

    private LinkHeader() {
    }

    static Optional<String> next(String header) {
        Matcher link = LINK.matcher(header);
        while (link.find()) {
            Matcher rel = REL.matcher(link.group(2));
            if (rel.find()) {
                for (String value : rel.group(1).strip().toLowerCase(Locale.ROOT).split("\\s+")) {
                    if (value.equals("next")) {
                        return Optional.of(link.group(1));
                    }
                }
            }
        }
        return Optional.empty();
    }
}
