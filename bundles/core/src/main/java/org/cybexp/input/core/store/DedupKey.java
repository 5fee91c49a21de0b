package org.cybexp.input.core.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A dedup key as stored: the first 16 bytes of its SHA-256. Fixed size whatever the key (URLs can be long),
 * and 128 bits make a false "already seen" practically impossible.
 */
public record DedupKey(long high, long low) {

    public static DedupKey of(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            ByteBuffer buffer = ByteBuffer.wrap(digest);
            return new DedupKey(buffer.getLong(), buffer.getLong());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
