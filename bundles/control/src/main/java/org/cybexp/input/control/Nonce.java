package org.cybexp.input.control;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/** The secret a CLI request must carry: 32 random bytes in hex, compared in constant time. */
final class Nonce {

    private final String value;

    private Nonce(String value) {
        this.value = value;
    }

    static Nonce random(SecureRandom random) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return new Nonce(HexFormat.of().formatHex(bytes));
    }

    static Nonce of(String value) {
        return new Nonce(value);
    }

    String value() {
        return value;
    }

    /** Constant time in the content, so response timing does not reveal how much of a guess was right. */
    boolean matches(String candidate) {
        return candidate != null && MessageDigest.isEqual(value.getBytes(StandardCharsets.US_ASCII),
                candidate.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public String toString() {
        return "Nonce[hidden]"; // never in a log line by accident
    }
}
