package org.cybexp.input.source.syslog;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code allowed_senders} CIDRs: which source addresses a listener accepts. Empty accepts all. IPv4-mapped
 * IPv6 addresses ({@code ::ffff:10.0.0.1}) match IPv4 ranges, as a dual-stack socket reports them.
 */
final class SenderFilter {

    private record Range(byte[] network, int bits) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = bits / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[full] & mask) == (network[full] & mask);
        }
    }

    private final List<Range> ranges;

    private SenderFilter(List<Range> ranges) {
        this.ranges = ranges;
    }

    /** Parses {@code 10.0.0.0/8, 192.168.1.7, ::1/128}; a bare address is a range of one. */
    static SenderFilter parse(String text) {
        List<Range> ranges = new ArrayList<>();
        for (String part : text.split("[,\\s]+")) {
            if (part.isEmpty()) {
                continue;
            }
            int slash = part.indexOf('/');
            String host = slash < 0 ? part : part.substring(0, slash);
            if (!host.matches("[0-9A-Fa-f:.]+")) { // literal addresses only: never a DNS lookup
                throw new IllegalArgumentException("not an address or CIDR: '" + part + "'");
            }
            byte[] network;
            try {
                network = InetAddress.getByName(host).getAddress();
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("not an address or CIDR: '" + part + "'");
            }
            int bits = network.length * 8;
            if (slash >= 0) {
                try {
                    bits = Integer.parseInt(part.substring(slash + 1));
                } catch (NumberFormatException e) {
                    bits = -1;
                }
                if (bits < 0 || bits > network.length * 8) {
                    throw new IllegalArgumentException("bad prefix length in '" + part + "'");
                }
            }
            ranges.add(new Range(network, bits));
        }
        return new SenderFilter(List.copyOf(ranges));
    }

    boolean allows(InetAddress sender) {
        if (ranges.isEmpty()) {
            return true;
        }
        byte[] address = sender.getAddress();
        byte[] v4 = mappedV4(address);
        for (Range range : ranges) {
            if (range.contains(address) || (v4 != null && range.contains(v4))) {
                return true;
            }
        }
        return false;
    }

    private static byte[] mappedV4(byte[] address) {
        if (address.length != 16) {
            return null;
        }
        for (int i = 0; i < 10; i++) {
            if (address[i] != 0) {
                return null;
            }
        }
        if (address[10] != (byte) 0xff || address[11] != (byte) 0xff) {
            return null;
        }
        return new byte[] {address[12], address[13], address[14], address[15]};
    }

    @Override
    public String toString() {
        return ranges.isEmpty() ? "all" : ranges.size() + " ranges";
    }
}
