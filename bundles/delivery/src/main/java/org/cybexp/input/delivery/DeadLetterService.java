package org.cybexp.input.delivery;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.cybexp.input.core.control.DeadLetter;
import org.cybexp.input.core.control.DeadLetterContent;
import org.cybexp.input.core.control.DeadLetterStore;
import org.cybexp.input.core.control.UnknownDeadLetterException;
import org.cybexp.input.delivery.store.EventHeader;
import org.cybexp.input.delivery.store.EventRecord;
import org.cybexp.input.delivery.store.InputFolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link DeadLetterStore} over the files {@link DeadLetters} writes. A replayed event goes to the end of
 * its input's outbox with the fields it was stored with (name, orgid, typetag, timezone). One operation runs at
 * a time, so two CLI calls never replay one dead letter twice.
 */
final class DeadLetterService implements DeadLetterStore {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterService.class);
    /** Replayed events are appended in batches (one fsync each) of at most this many events or bytes. */
    private static final int BATCH_EVENTS = 256;
    private static final long BATCH_BYTES = 32L << 20;

    /** The delivery loop (and so the outbox) of an input, opened if needed. */
    @FunctionalInterface
    interface Loops {
        DeliveryLoop of(String inputName) throws IOException;
    }

    private final DeadLetters letters;
    private final Loops loops;

    DeadLetterService(DeadLetters letters, Loops loops) {
        this.letters = letters;
        this.loops = loops;
    }

    @Override
    public synchronized List<DeadLetter> list(Collection<String> inputNames) throws IOException {
        List<DeadLetter> out = new ArrayList<>();
        for (DeadLetters.Entry entry : letters.entries(inputNames)) {
            out.add(letters.describe(entry));
        }
        return out;
    }

    @Override
    public synchronized DeadLetterContent show(String id, int maxBodyBytes)
            throws IOException, UnknownDeadLetterException {
        DeadLetters.Entry entry = find(List.of(id)).get(0);
        DeadLetter letter = letters.describe(entry);
        Optional<EventHeader> header = letters.header(entry);
        if (header.isEmpty()) {
            throw new IOException("dead letter " + entry.id() + ": its event file " + entry.event()
                    + " is missing or damaged");
        }
        return new DeadLetterContent(letter, header.get().orgid(), header.get().timezone(),
                header.get().mediaType(), letters.bodyStart(entry, Math.max(0, maxBodyBytes)),
                entry.event().toString());
    }

    @Override
    public synchronized List<String> replay(Collection<String> ids) throws IOException, UnknownDeadLetterException {
        List<DeadLetters.Entry> entries = find(ids);
        List<String> done = new ArrayList<>();
        Set<DeliveryLoop> touched = new LinkedHashSet<>();
        try {
            for (Map.Entry<String, List<DeadLetters.Entry>> input : byInput(entries).entrySet()) {
                DeliveryLoop loop = loops.of(input.getKey());
                touched.add(loop);
                replay(input.getValue(), loop, done);
            }
        } catch (IOException e) {
            throw new IOException("replayed " + done.size() + " of " + entries.size() + " dead letters, then: "
                    + e.getMessage(), e);
        } finally {
            // the user fixed something: try now, even if the input was waiting out a backoff
            touched.forEach(DeliveryLoop::retryNow);
            if (!done.isEmpty()) {
                LOG.info("{} dead letters replayed into their outboxes: {}", done.size(), summary(done));
            }
        }
        return done;
    }

    @Override
    public synchronized List<String> purge(Collection<String> ids) throws IOException, UnknownDeadLetterException {
        List<DeadLetters.Entry> entries = find(ids);
        List<String> done = new ArrayList<>();
        try {
            for (DeadLetters.Entry entry : entries) {
                letters.delete(entry);
                done.add(entry.id());
            }
        } catch (IOException e) {
            throw new IOException("purged " + done.size() + " of " + entries.size() + " dead letters, then: "
                    + e.getMessage(), e);
        } finally {
            if (!done.isEmpty()) {
                LOG.info("{} dead letters purged: {}", done.size(), summary(done));
            }
        }
        return done;
    }

    /** Appends in batches; a dead letter is deleted only once its event is durably in the outbox. */
    private void replay(List<DeadLetters.Entry> entries, DeliveryLoop loop, List<String> done) throws IOException {
        List<DeadLetters.Entry> batch = new ArrayList<>();
        List<EventRecord> records = new ArrayList<>();
        long bytes = 0;
        for (int i = 0; i < entries.size(); i++) {
            EventRecord record = letters.read(entries.get(i));
            batch.add(entries.get(i));
            records.add(record);
            bytes += record.header().length();
            if (i == entries.size() - 1 || records.size() >= BATCH_EVENTS || bytes >= BATCH_BYTES) {
                try {
                    loop.outbox().append(records);
                } finally {
                    for (EventRecord each : records) {
                        if (each.inFile()) {
                            Files.deleteIfExists(each.file()); // the outbox took it, or the append failed
                        }
                    }
                }
                for (DeadLetters.Entry stored : batch) {
                    letters.delete(stored);
                    done.add(stored.id());
                }
                batch.clear();
                records = new ArrayList<>();
                bytes = 0;
            }
        }
    }

    /** Every id's entry, each once, in the given order; nothing if one is unknown. */
    private List<DeadLetters.Entry> find(Collection<String> ids) throws UnknownDeadLetterException {
        Map<String, DeadLetters.Entry> found = new LinkedHashMap<>();
        List<String> unknown = new ArrayList<>();
        for (String id : ids) {
            Optional<DeadLetters.Entry> entry = letters.find(id);
            if (entry.isPresent()) {
                found.putIfAbsent(entry.get().id(), entry.get());
            } else {
                unknown.add(id);
            }
        }
        if (!unknown.isEmpty()) {
            throw new UnknownDeadLetterException(unknown);
        }
        return List.copyOf(found.values());
    }

    /** The entries by input name, in their order; the input folder names the input it was written for. */
    private static Map<String, List<DeadLetters.Entry>> byInput(List<DeadLetters.Entry> entries) {
        Map<String, List<DeadLetters.Entry>> out = new LinkedHashMap<>();
        for (DeadLetters.Entry entry : entries) {
            String folder = entry.id().substring(0, entry.id().indexOf('/'));
            out.computeIfAbsent(InputFolder.nameOf(folder), k -> new ArrayList<>()).add(entry);
        }
        // in the order they were first stored (the sequence number is zero-padded, so text order is enough)
        out.values().forEach(list -> list.sort(Comparator.comparing(DeadLetters.Entry::id)));
        return out;
    }

    private static String summary(List<String> ids) {
        return ids.size() <= 10 ? String.join(" ", ids) : String.join(" ", ids.subList(0, 10)) + " ...";
    }
}
