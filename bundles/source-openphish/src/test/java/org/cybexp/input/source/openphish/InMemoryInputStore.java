package org.cybexp.input.source.openphish;

import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.cybexp.input.api.Event;
import org.cybexp.input.api.InputConfig;
import org.cybexp.input.api.SourceInput;

/**
 * What the container keeps on disk for one input, in memory: stored events, their dedup keys and the committed
 * state. {@link #fetch} runs one call the way the container does: its events and staged state are kept when it
 * returns normally and dropped when it throws or was stopped immediately.
 */
final class InMemoryInputStore {

    private final InputConfig config;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<Event> events = new ArrayList<>();
    private final Set<String> keys = new HashSet<>();
    private final Map<String, String> state = new HashMap<>();

    InMemoryInputStore(InputConfig config) {
        this.config = config;
    }

    InMemoryFetchContext newContext() {
        return new InMemoryFetchContext(config, this, http);
    }

    /** Runs one fetch in a new context and returns that context for inspection. */
    InMemoryFetchContext fetch(SourceInput input) throws Exception {
        InMemoryFetchContext ctx = newContext();
        fetch(input, ctx);
        return ctx;
    }

    void fetch(SourceInput input, InMemoryFetchContext ctx) throws Exception {
        try {
            input.fetch(ctx);
        } finally {
            ctx.end();
        }
        if (!ctx.stopNow()) {
            ctx.checkpoint();
        }
    }

    /** The events stored so far, over all fetches. */
    synchronized List<Event> events() {
        return List.copyOf(events);
    }

    synchronized boolean seen(String key) {
        return keys.contains(key);
    }

    synchronized Optional<String> committed(String key) {
        return Optional.ofNullable(state.get(key));
    }

    synchronized Map<String, String> committedState() {
        return Map.copyOf(state);
    }

    /** Stores events with their keys, then applies staged state changes (an empty value removes the key). */
    synchronized void commit(List<Event> batch, Map<String, Optional<String>> staged) {
        for (Event event : batch) {
            events.add(event);
            keys.addAll(event.dedupKeys());
        }
        staged.forEach((key, value) -> value.ifPresentOrElse(v -> state.put(key, v), () -> state.remove(key)));
    }
}
