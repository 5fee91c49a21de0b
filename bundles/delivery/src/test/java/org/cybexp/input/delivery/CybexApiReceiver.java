package org.cybexp.input.delivery;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.cybexp.input.testkit.LoopbackRawApi;

/**
 * The loopback {@code /raw} of these tests ({@link LoopbackRawApi}, any bearer token) with scripted answers whose
 * bodies are the API's own, from the fixtures in {@code src/test/resources/cybex-api/}.
 */
final class CybexApiReceiver extends LoopbackRawApi {

    CybexApiReceiver() throws IOException {
        super();
    }

    /** Answers the next request with a fixture body. */
    CybexApiReceiver thenAnswer(int status, String fixture) {
        answerNext(status, fixture(fixture), null);
        return this;
    }

    /** Answers the next request with a fixture body and a {@code Retry-After} header. */
    CybexApiReceiver thenAnswerRetryAfter(int status, String fixture, String retryAfter) {
        answerNext(status, fixture(fixture), retryAfter);
        return this;
    }

    /** Answers the next request with a literal body. */
    CybexApiReceiver thenAnswerBody(int status, String body) {
        answerNext(status, body, null);
        return this;
    }

    /** The text of the {@code file} part of every request received, whatever its answer, in order of arrival. */
    List<String> files() {
        return requests().stream().map(r -> r.part("file").text()).toList();
    }

    static String fixture(String name) {
        try (InputStream in = CybexApiReceiver.class.getResourceAsStream("/cybex-api/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
