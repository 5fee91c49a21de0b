package org.cybexp.input.source.upload;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.cybexp.input.core.control.DeliveryFates;
import org.cybexp.input.core.files.DurableFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The receipts of one upload input, one JSON file each under {@code data/upload/<input>/receipts/}, and in
 * memory: found by id, by the uploader's {@code Idempotency-Key}, or by the same uploader's same file within
 * the idempotency window. Receipts older than {@link #KEPT} are deleted when the input starts.
 */
final class ReceiptBook {

    private static final Logger LOG = LoggerFactory.getLogger(ReceiptBook.class);
    static final Duration KEPT = Duration.ofDays(30);

    private final Path dir;
    private final Duration window;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, Receipt> byId = new ConcurrentHashMap<>();

    ReceiptBook(Path dir, Duration window, Clock clock) {
        this.dir = dir;
        this.window = window;
        this.clock = clock;
    }

    /** Reads the receipts kept from earlier runs, dropping those past {@link #KEPT}. */
    ReceiptBook load() throws IOException {
        Files.createDirectories(dir);
        Instant oldest = clock.instant().minus(KEPT);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
            for (Path file : files) {
                try {
                    Receipt receipt = json.readValue(file.toFile(), Receipt.class);
                    if (receipt.receivedAt().isBefore(oldest)) {
                        Files.deleteIfExists(file);
                    } else {
                        byId.put(receipt.id(), receipt);
                    }
                } catch (IOException | RuntimeException e) {
                    LOG.warn("upload receipt {} unreadable ({}); skipped", file.getFileName(), e.getMessage());
                }
            }
        }
        return this;
    }

    Optional<Receipt> get(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** The receipt of the uploader's earlier upload with this {@code Idempotency-Key}, within the window. */
    Optional<Receipt> byIdempotencyKey(String uploader, String key) {
        return recentOf(uploader).filter(r -> r.idempotency().equals(key)).findFirst();
    }

    /** The receipt of the uploader's earlier upload of the same file, org, typetag and name, within the window. */
    Optional<Receipt> bySameUpload(String uploader, String sha256, String orgid, String typetag, String name) {
        return recentOf(uploader).filter(r -> r.sha256().equals(sha256) && r.orgid().equals(orgid)
                && r.typetag().equals(typetag) && r.name().equals(name)).findFirst();
    }

    private java.util.stream.Stream<Receipt> recentOf(String uploader) {
        Instant since = clock.instant().minus(window);
        return byId.values().stream().filter(r -> r.uploader().equals(uploader) && !r.receivedAt().isBefore(since))
                .sorted(Comparator.comparing(Receipt::received));
    }

    /** The uploader's latest receipts, newest first. */
    List<Receipt> latest(String uploader, int count) {
        return byId.values().stream().filter(r -> r.uploader().equals(uploader))
                .sorted(Comparator.comparing(Receipt::received).reversed()).limit(count).toList();
    }

    /** Writes a receipt (new or changed) to disk, crash-safely, then keeps it. */
    void put(Receipt receipt) throws IOException {
        DurableFiles.write(dir.resolve(receipt.id() + ".json"), json.writeValueAsBytes(receipt));
        byId.put(receipt.id(), receipt);
    }

    /** Asks the delivery about every receipt still {@code stored} and writes down the ones that settled. */
    synchronized void follow(String input, DeliveryFates fates) { // the input's loop and GETs ask at once
        for (Receipt receipt : byId.values()) {
            if (!receipt.settled()) {
                fates.fate(input, new DeliveryFates.Posting(receipt.name(), receipt.orgid(), receipt.typetag(),
                        receipt.sha256()))
                        .filter(fate -> !fate.at().isBefore(receipt.receivedAt())) // not an older upload's fate
                        .ifPresent(fate -> settle(receipt, fate));
            }
        }
    }

    private void settle(Receipt receipt, DeliveryFates.Fate fate) {
        String state = fate.state() == DeliveryFates.State.DELIVERED ? Receipt.DELIVERED : Receipt.DEAD_LETTERED;
        try {
            put(receipt.settled(state, fate.status(), fate.answer(), fate.at()));
        } catch (IOException e) {
            LOG.warn("upload receipt {}: cannot write down that it was {}: {}", receipt.id(), state, e.getMessage());
        }
    }
}
