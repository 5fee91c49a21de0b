package org.cybexp.input.testkit;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.regex.Pattern;

import org.apache.hc.client5.http.DnsResolver;

/**
 * The host names the kit's HTTP client may reach: {@code localhost} and loopback IP literals. As the client's
 * resolver it also checks every redirect target, so a plugin test never reaches (nor even resolves) anything
 * else.
 */
final class LoopbackOnly implements DnsResolver {

    static final String REFUSED = "the test kit reaches loopback addresses only";
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    /** Whether a URL's host is loopback, decided without a DNS lookup. */
    static boolean allows(String host) {
        if (host == null || host.isEmpty()) {
            return false;
        }
        String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (literal.equalsIgnoreCase("localhost")) {
            return true;
        }
        try {
            // an IP literal is parsed, not looked up
            return (IPV4.matcher(literal).matches() || literal.contains(":"))
                    && InetAddress.getByName(literal).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        if (!allows(host)) {
            throw new UnknownHostException(host + ": " + REFUSED);
        }
        InetAddress[] loopback = Arrays.stream(InetAddress.getAllByName(host))
                .filter(InetAddress::isLoopbackAddress).toArray(InetAddress[]::new);
        if (loopback.length == 0) {
            throw new UnknownHostException(host + ": " + REFUSED);
        }
        return loopback;
    }

    @Override
    public String resolveCanonicalHostname(String host) throws UnknownHostException {
        if (!allows(host)) {
            throw new UnknownHostException(host + ": " + REFUSED);
        }
        return host;
    }
}
