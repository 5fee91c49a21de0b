package org.cybexp.input.control;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.cybexp.input.core.control.DeadLetter;
import org.cybexp.input.core.control.DeadLetterContent;
import org.cybexp.input.core.control.DeadLetterStore;
import org.cybexp.input.core.control.UnknownDeadLetterException;

/** Two dead letters of input {@code main}, one of {@code spare}; replayed and purged ones are recorded. */
final class FakeDeadLetterStore implements DeadLetterStore {

    static final Instant AT = Instant.parse("2026-02-01T08:00:00Z");
    final List<String> replayed = new ArrayList<>();
    final List<String> purged = new ArrayList<>();
    private final Map<String, DeadLetter> letters = new LinkedHashMap<>();
    private final Map<String, byte[]> bodies = new LinkedHashMap<>();

    FakeDeadLetterStore() {
        add("main/00000000000000000001", "main", "https://a.example/\nhttps://b.example/\n");
        add("main/00000000000000000002", "main", "x".repeat(5000));
        add("spare/00000000000000000003", "spare", "c");
    }

    private void add(String id, String input, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        letters.put(id, new DeadLetter(id, input, 400, "Invalid input", AT, bytes.length, "openphish-file-feed"));
        bodies.put(id, bytes);
    }

    @Override
    public synchronized List<DeadLetter> list(Collection<String> inputNames) {
        return letters.values().stream().filter(l -> inputNames.isEmpty() || inputNames.contains(l.input()))
                .toList();
    }

    @Override
    public synchronized DeadLetterContent show(String id, int maxBodyBytes) throws UnknownDeadLetterException {
        check(List.of(id));
        byte[] body = bodies.get(id);
        return new DeadLetterContent(letters.get(id), "it-org", "UTC", "text/plain",
                Arrays.copyOf(body, Math.min(body.length, maxBodyBytes)), "/data/deadletter/" + id + ".evt");
    }

    @Override
    public synchronized List<String> replay(Collection<String> ids) throws IOException, UnknownDeadLetterException {
        check(ids);
        ids.forEach(letters::remove);
        replayed.addAll(ids);
        return List.copyOf(ids);
    }

    @Override
    public synchronized List<String> purge(Collection<String> ids) throws UnknownDeadLetterException {
        check(ids);
        ids.forEach(letters::remove);
        purged.addAll(ids);
        return List.copyOf(ids);
    }

    private void check(Collection<String> ids) throws UnknownDeadLetterException {
        List<String> unknown = ids.stream().filter(id -> !letters.containsKey(id)).toList();
        if (!unknown.isEmpty()) {
            throw new UnknownDeadLetterException(unknown);
        }
    }
}
