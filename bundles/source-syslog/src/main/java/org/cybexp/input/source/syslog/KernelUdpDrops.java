package org.cybexp.input.source.syslog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The datagrams the kernel dropped for a UDP socket because its receive buffer was full: the {@code drops}
 * column of {@code /proc/net/udp} and {@code /proc/net/udp6} for the socket's local port (Linux). Elsewhere
 * the count is unknown (-1).
 */
final class KernelUdpDrops {

    private static final List<Path> TABLES = List.of(Path.of("/proc/net/udp"), Path.of("/proc/net/udp6"));

    private KernelUdpDrops() {
    }

    static long of(int port) {
        String hexPort = ":" + String.format(Locale.ROOT, "%04X", port);
        long drops = -1;
        for (Path table : TABLES) {
            List<String> lines;
            try {
                lines = Files.readAllLines(table);
            } catch (IOException | SecurityException e) {
                continue;
            }
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                String[] cols = line.trim().split("\\s+");
                if (cols.length >= 13 && cols[1].endsWith(hexPort)) {
                    try {
                        drops = Math.max(drops, 0) + Long.parseLong(cols[cols.length - 1]);
                    } catch (NumberFormatException e) {
                        // a layout we do not know: leave it
                    }
                }
            }
        }
        return drops;
    }
}
