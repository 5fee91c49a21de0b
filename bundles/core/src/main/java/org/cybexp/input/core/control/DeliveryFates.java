package org.cybexp.input.core.control;

import java.time.Instant;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * What became of events delivered lately, a service of the delivery bundle: lets an input that gave its sender
 * a receipt (the upload endpoint) tell it later whether the API took the event, or refused it for good. Kept
 * in memory for the latest events of each input; the asker writes down what it learns.
 *
 * @since 1.3
 */
@ProviderType
public interface DeliveryFates {

    /** The end of an event's way through the outbox. */
    enum State {
        /** The sink answered 2xx. */
        DELIVERED,
        /** The sink refused it for good (a 4xx); it is among the dead letters. */
        DEAD_LETTERED
    }

    /**
     * @param state where the event ended
     * @param status the sink's HTTP status
     * @param answer the sink's message (the API's {@code message}); never a secret
     * @param at when the answer came
     */
    record Fate(State state, int status, String answer, Instant at) {
    }

    /**
     * Which event: its fields as posted and its body's lower-case hex SHA-256. The same file posted under
     * another name, org or typetag is another event, with a fate of its own.
     */
    record Posting(String name, String orgid, String typetag, String sha256) {
    }

    /**
     * The fate of the input's latest event posted as {@code posting}, if it was delivered or dead-lettered since
     * the delivery service started and is among the latest ones it remembers.
     */
    Optional<Fate> fate(String inputName, Posting posting);

    /**
     * Keeps the fates of the input's events from now on; asking for a {@link #fate} does too. The delivery keeps
     * none for an input that never asked, so that inputs without receipts pay nothing for them: call it before
     * the first event that may need a fate is stored. Does nothing in a provider that keeps every input's fates.
     *
     * @since 1.4
     */
    default void keep(String inputName) {
    }
}
