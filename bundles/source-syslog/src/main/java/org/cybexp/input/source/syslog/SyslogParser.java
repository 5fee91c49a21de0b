package org.cybexp.input.source.syslog;

import java.time.Clock;
import java.time.ZoneId;

/**
 * The parser chain: RFC 5424 (strict, then lenient) for messages that start like it, else RFC 3164 and the
 * vendor variants. Never fails: a message of any shape comes out with its text in {@code message}.
 */
final class SyslogParser {

    private final ZoneId zone;
    private final Clock clock;

    /**
     * @param zone the zone of timestamps that carry none (the input's {@code timezone})
     * @param clock gives "now" for the year of RFC 3164 timestamps
     */
    SyslogParser(ZoneId zone, Clock clock) {
        this.zone = zone;
        this.clock = clock;
    }

    ParsedMessage parse(String text) {
        ParsedMessage rfc5424 = Rfc5424.parse(text, zone);
        return rfc5424 != null ? rfc5424 : Rfc3164.parse(text, zone, clock.instant());
    }
}
