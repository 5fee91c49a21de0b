package org.cybexp.input.delivery.sink;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A sink's answer to one event: the HTTP status (the archive answers 201), the API's {@code message} or the start
 * of its body (never a secret), and the wait the API asked for ({@code Retry-After}) or null.
 *
 * <p>The message may be read from the body only when asked for: most 2xx answers are never looked at again (only
 * an input that keeps receipts shows them), and parsing each one's JSON was a few percent of a post's CPU.
 */
public final class SinkAnswer {

    private final int status;
    private final Duration retryAfter;
    private Supplier<String> reader;
    private String message;

    public SinkAnswer(int status, String message, Duration retryAfter) {
        this.status = status;
        this.message = Objects.requireNonNull(message, "message");
        this.retryAfter = retryAfter;
    }

    /** An answer whose message is read from its body on the first {@link #message()}, by the thread that asks. */
    static SinkAnswer readLater(int status, Supplier<String> message) {
        SinkAnswer answer = new SinkAnswer(status, "", null);
        answer.message = null;
        answer.reader = message;
        return answer;
    }

    public int status() {
        return status;
    }

    /** The API's message (masked), read now if it was left for later. */
    public String message() {
        if (message == null) {
            message = Objects.requireNonNull(reader.get(), "message");
            reader = null;
        }
        return message;
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    /** The event was taken. */
    public boolean accepted() {
        return status >= 200 && status < 300;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SinkAnswer that && status == that.status && message().equals(that.message())
                && Objects.equals(retryAfter, that.retryAfter);
    }

    @Override
    public int hashCode() {
        return Objects.hash(status, message(), retryAfter);
    }

    @Override
    public String toString() {
        return "SinkAnswer[status=" + status + ", message=" + message() + ", retryAfter=" + retryAfter + "]";
    }
}
