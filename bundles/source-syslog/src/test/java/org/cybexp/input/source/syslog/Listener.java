package org.cybexp.input.source.syslog;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.cybexp.input.api.SourceInput;
import org.cybexp.input.testkit.InMemoryInputStore;
import org.cybexp.input.testkit.RunningFetch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A syslog input on a free loopback port, run by the test kit's in-memory container (the real core). */
final class Listener implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();

    final InMemoryInputStore store;
    final SourceInput input;
    final RunningFetch running;
    final String protocol;

    Listener(String protocol, Map<String, String> keys) throws Exception {
        this.protocol = protocol;
        Map<String, String> all = new HashMap<>(Map.of("protocol", protocol, "port", "0",
                "messages_per_record", "50", "record_seconds", "1"));
        all.putAll(keys);
        store = InMemoryInputStore.builder(new SyslogPlugin()).name("sys-" + protocol).properties(all).build();
        input = store.open();
        running = store.start(input);
        Awaitility.await().atMost(WAIT).until(() -> details().get("port") != null);
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> details() {
        Object d = running.context().statusDetails().get(protocol);
        return d == null ? Map.of() : (Map<String, Object>) d;
    }

    long counter(String name) {
        Object v = details().get(name);
        return v == null ? 0 : ((Number) v).longValue();
    }

    int port() {
        return ((Number) details().get("port")).intValue();
    }

    /** Every stored message, each one NDJSON line of a stored record. */
    List<JsonNode> messages() {
        List<JsonNode> all = new ArrayList<>();
        for (String record : store.eventTexts()) {
            for (String line : record.split("\n")) {
                if (!line.isEmpty()) {
                    try {
                        all.add(JSON.readTree(line));
                    } catch (Exception e) {
                        throw new AssertionError("not JSON: " + line, e);
                    }
                }
            }
        }
        return all;
    }

    List<String> texts() {
        return messages().stream().map(m -> m.path("message").asText()).toList();
    }

    List<JsonNode> awaitMessages(int count) {
        Awaitility.await().atMost(WAIT).until(() -> messages().size() >= count);
        return messages();
    }

    @Override
    public void close() throws Exception {
        running.stopGracefully();
        running.join(WAIT);
        input.close();
    }
}
