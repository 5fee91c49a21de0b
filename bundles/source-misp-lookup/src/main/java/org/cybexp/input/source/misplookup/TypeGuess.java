package org.cybexp.input.source.misplookup;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The MISP attribute types a bare value most likely is. An address is searched as source and destination (a
 * file of IPs does not say which), a name as domain and hostname; anything unrecognised is searched as any type.
 */
final class TypeGuess {

    private static final Pattern IPV4 = Pattern.compile(
            "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}(/\\d{1,2})?");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:]*:[0-9a-fA-F:.]*(/\\d{1,3})?");
    private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]+");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
    private static final Pattern URL = Pattern.compile("(?i)[a-z][a-z0-9+.-]*://\\S+");
    private static final Pattern NAME = Pattern.compile(
            "(?i)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?\\.)+[a-z][a-z0-9-]{0,62}\\.?");

    private TypeGuess() {
    }

    static List<String> of(String value) {
        if (IPV4.matcher(value).matches() || (value.indexOf(':') != value.lastIndexOf(':')
                && IPV6.matcher(value).matches())) {
            return List.of("ip-src", "ip-dst");
        }
        if (URL.matcher(value).matches()) {
            return List.of("url");
        }
        if (EMAIL.matcher(value).matches()) {
            return List.of("email-src", "email-dst");
        }
        if (HEX.matcher(value).matches()) {
            switch (value.length()) {
                case 32: return List.of("md5");
                case 40: return List.of("sha1");
                case 64: return List.of("sha256");
                case 128: return List.of("sha512");
                default: return List.of();
            }
        }
        if (NAME.matcher(value).matches() && value.length() <= 253) {
            // two labels (example.org) are usually registered domains, more (www.example.org) host names
            long dots = value.chars().filter(c -> c == '.').count() - (value.endsWith(".") ? 1 : 0);
            return dots == 1 ? List.of("domain", "hostname") : List.of("hostname", "domain");
        }
        return List.of();
    }

    /** A type as MISP writes them: lower case, letters, digits, '-' and '|'. */
    static boolean isType(String type) {
        return type.toLowerCase(Locale.ROOT).equals(type) && type.matches("[a-z0-9|-]{1,64}");
    }
}
