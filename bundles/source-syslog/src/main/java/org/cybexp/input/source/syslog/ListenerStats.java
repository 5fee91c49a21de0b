package org.cybexp.input.source.syslog;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** A listener's counters, shown under {@code details.<protocol>} in {@code status --json}. */
final class ListenerStats {

    final AtomicLong received = new AtomicLong();
    final AtomicLong stored = new AtomicLong();
    final AtomicLong truncated = new AtomicLong();
    final AtomicLong refusedSenders = new AtomicLong();
    final AtomicLong refusedConnections = new AtomicLong();
    final AtomicLong droppedBusy = new AtomicLong();
    final AtomicLong retried = new AtomicLong();
    final AtomicLong notStored = new AtomicLong();
    final AtomicLong connections = new AtomicLong();
    final AtomicLong relpAnswered = new AtomicLong();
    volatile long kernelDrops = -1;

    Map<String, Object> snapshot(String host, int port, boolean udp, boolean relp) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("host", host);
        map.put("port", port);
        map.put("received", received.get());
        map.put("stored", stored.get());
        map.put("truncated", truncated.get());
        map.put("refused_senders", refusedSenders.get());
        if (udp) {
            map.put("dropped_busy", droppedBusy.get());
            if (kernelDrops >= 0) {
                map.put("dropped_kernel", kernelDrops);
            }
        } else {
            map.put("connections", connections.get());
            map.put("refused_connections", refusedConnections.get());
        }
        if (relp) {
            map.put("answered", relpAnswered.get());
        }
        map.put("stores_retried", retried.get());
        map.put("not_stored_at_stop", notStored.get());
        return map;
    }

    String line() {
        return received.get() + " received, " + stored.get() + " stored";
    }
}
