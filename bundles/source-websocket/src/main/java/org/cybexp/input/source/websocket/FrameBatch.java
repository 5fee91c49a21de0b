package org.cybexp.input.source.websocket;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.cybexp.input.api.Event;
import org.cybexp.input.api.FetchContext;

/**
 * Turns the JSON objects of received frames into events. Without batching each object is one
 * {@code application/json} event; with batching (as the original CYBEX-P input did: 10 frames or 15 s) the
 * objects are collected into one {@code application/x-ndjson} event, one object per line, posted when it holds
 * {@code batch_size} objects, when {@code batch_seconds} passed since its first one, or when it reaches
 * {@link #MAX_BATCH_BYTES}. With {@code dedup} each object's SHA-256 is its dedup key, so an object this input
 * posted before (e.g. replayed by a relay after a reconnect) is not posted again. Used by the fetch thread only.
 */
final class FrameBatch {

    static final String JSON = "application/json";
    static final String JSON_LINES = "application/x-ndjson";
    /** A batch never grows past this (the container stores events in batches of 8 MiB). */
    static final int MAX_BATCH_BYTES = 8 * 1024 * 1024;

    private final FetchContext ctx;
    private final WebSocketSettings settings;
    private final ByteArrayOutputStream lines = new ByteArrayOutputStream();
    private final Set<String> keys = new LinkedHashSet<>();
    private int count;
    private Instant firstAt;
    private long emitted;

    FrameBatch(FetchContext ctx, WebSocketSettings settings) {
        this.ctx = ctx;
        this.settings = settings;
    }

    /** Adds one JSON object; emits it at once without batching, or the batch when it is full. */
    void add(String object) {
        byte[] bytes = object.getBytes(StandardCharsets.UTF_8);
        String key = settings.dedup() ? dedupKey(bytes) : null;
        if (!settings.batching()) {
            Event event = Event.of(bytes, JSON);
            ctx.emit(key == null ? event : event.withDedupKey(key));
            emitted++;
            return;
        }
        if (key != null && (keys.contains(key) || ctx.seen(key))) {
            return; // posted before, or already in this batch: keeping it would post it twice
        }
        if (count > 0 && lines.size() + bytes.length + 1 > MAX_BATCH_BYTES) {
            flush();
        }
        if (count == 0) {
            firstAt = ctx.clock().instant();
        }
        lines.writeBytes(bytes);
        lines.write('\n');
        if (key != null) {
            keys.add(key);
        }
        if (++count >= settings.batchSize()) {
            flush();
        }
    }

    /** Emits the batch if its time is up. */
    void flushIfDue(Instant now) {
        if (count > 0 && !now.isBefore(firstAt.plus(settings.batchTime()))) {
            flush();
        }
    }

    /** How long until the batch is due; empty when there is no batch. */
    Optional<Duration> timeLeft(Instant now) {
        if (count == 0) {
            return Optional.empty();
        }
        Duration left = Duration.between(now, firstAt.plus(settings.batchTime()));
        return Optional.of(left.isNegative() ? Duration.ZERO : left);
    }

    /** Emits what the batch holds, if anything. */
    void flush() {
        if (count == 0) {
            return;
        }
        Event event = Event.of(lines.toByteArray(), JSON_LINES);
        List<String> dedupKeys = new ArrayList<>(keys);
        lines.reset();
        keys.clear();
        count = 0;
        firstAt = null;
        ctx.emit(dedupKeys.isEmpty() ? event : event.withDedupKeys(dedupKeys));
        emitted++;
    }

    /** Events handed to the container so far (duplicates it dropped included). */
    long emitted() {
        return emitted;
    }

    /** Objects waiting in the batch. */
    int pending() {
        return count;
    }

    static String dedupKey(byte[] object) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(object));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
