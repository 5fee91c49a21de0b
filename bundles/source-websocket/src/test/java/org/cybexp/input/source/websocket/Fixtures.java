package org.cybexp.input.source.websocket;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The shared fixtures copied into {@code src/test/resources/cowrie/ws} (from {@code fixtures/sample/cowrie/ws}). */
final class Fixtures {

    private Fixtures() {
    }

    static String text(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/cowrie/ws/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The frames of a {@code *.frames.jsonl} file: one line = the payload of one text frame. */
    static List<String> frames(String name) {
        return text(name).lines().filter(line -> !line.isEmpty()).toList();
    }
}
