package org.cybexp.input.core.fetch;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.cybexp.input.core.store.DedupKey;
import org.cybexp.input.core.store.DedupStore;
import org.cybexp.input.core.store.StateStore;

/**
 * What a stored batch commits: its dedup keys and, at a checkpoint, the staged state. It is written into the
 * outbox with the batch's events (one fsync), then applied to the dedup and state stores; if the process dies
 * in between, {@link #rollForward} applies it at the next fetch. {@code seq} numbers the commits of an input;
 * the state store keeps the last applied one under {@link #APPLIED}.
 */
public record BatchCommit(long seq, List<DedupKey> keys, Map<String, Optional<String>> state) {

    /** State key of the last applied commit's seq. */
    public static final String APPLIED = "commit.seq";
    private static final int FORMAT = 1;

    public BatchCommit {
        keys = List.copyOf(keys);
        state = new LinkedHashMap<>(state);
    }

    /** The commit following the last one applied to {@code store}. */
    static BatchCommit next(StateStore store, Collection<DedupKey> keys, Map<String, Optional<String>> state) {
        return new BatchCommit(appliedSeq(store) + 1, List.copyOf(keys), state);
    }

    /** Applies the commit: its keys to the dedup store, its state and seq to the state store. */
    public void apply(DedupStore dedup, StateStore store) throws IOException {
        dedup.commit(keys);
        Map<String, Optional<String>> changes = new LinkedHashMap<>(state);
        changes.put(APPLIED, Optional.of(Long.toString(seq)));
        store.commit(changes);
    }

    /**
     * Applies the outbox's last commit if the stores missed it (a crash right after the outbox stored it).
     *
     * @return whether something was applied
     */
    public static boolean rollForward(Optional<byte[]> lastCommit, DedupStore dedup, StateStore store)
            throws IOException {
        if (lastCommit.isEmpty()) {
            return false;
        }
        BatchCommit commit = decode(lastCommit.get());
        if (commit.seq <= appliedSeq(store)) {
            return false;
        }
        commit.apply(dedup, store);
        return true;
    }

    public byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 + keys.size() * 16);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeLong(seq);
            out.writeInt(keys.size());
            for (DedupKey key : keys) {
                out.writeLong(key.high());
                out.writeLong(key.low());
            }
            out.writeInt(state.size());
            for (Map.Entry<String, Optional<String>> change : state.entrySet()) {
                writeText(out, change.getKey());
                out.writeBoolean(change.getValue().isPresent());
                if (change.getValue().isPresent()) {
                    writeText(out, change.getValue().get());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return bytes.toByteArray();
    }

    /** @throws IOException if the bytes are not a commit of this format */
    public static BatchCommit decode(byte[] bytes) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int format = in.readUnsignedByte();
            if (format != FORMAT) {
                throw new IOException("commit record of unknown format " + format);
            }
            long seq = in.readLong();
            int keyCount = in.readInt();
            List<DedupKey> keys = new ArrayList<>(Math.min(keyCount, 1 << 16));
            for (int i = 0; i < keyCount; i++) {
                keys.add(new DedupKey(in.readLong(), in.readLong()));
            }
            int changeCount = in.readInt();
            Map<String, Optional<String>> state = new LinkedHashMap<>();
            for (int i = 0; i < changeCount; i++) {
                String key = readText(in);
                state.put(key, in.readBoolean() ? Optional.of(readText(in)) : Optional.empty());
            }
            return new BatchCommit(seq, keys, state);
        }
    }

    private static long appliedSeq(StateStore store) {
        return store.get(APPLIED).map(Long::parseLong).orElse(0L);
    }

    private static void writeText(DataOutputStream out, String text) throws IOException {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    private static String readText(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > in.available()) {
            throw new IOException("commit record damaged: text of " + length + " bytes");
        }
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
}
