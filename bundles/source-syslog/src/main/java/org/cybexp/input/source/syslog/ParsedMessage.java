package org.cybexp.input.source.syslog;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a parser made of one message. Fields it did not find stay null: a message without a PRI has no
 * facility nor severity (never a made-up one). {@code problems} is what the strict grammar did not accept,
 * shown as {@code parse_error}.
 */
final class ParsedMessage {

    static final String RFC5424 = "rfc5424";
    static final String RFC3164 = "rfc3164";
    static final String UNKNOWN = "unknown";

    String format = UNKNOWN;
    Integer facility;
    Integer severity;
    String timestamp;
    String hostname;
    String appName;
    String procid;
    String msgid;
    /** SD-ID to its parameters; a parameter given twice holds a list of its values. */
    final Map<String, Map<String, Object>> structuredData = new LinkedHashMap<>();
    String message;
    /** RFC 5424: the MSG started with a BOM, so it must be UTF-8; where the MSG starts in the text. */
    boolean bom;
    int headerEnd = -1;
    final List<String> problems = new ArrayList<>();

    void priority(int pri) {
        facility = pri >> 3;
        severity = pri & 7;
    }

    String parseError() {
        return problems.isEmpty() ? null : String.join("; ", problems);
    }
}
