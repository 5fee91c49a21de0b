package org.cybexp.input.core.control;

import java.io.IOException;
import java.util.Collection;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The dead letters of every input, a service of the delivery bundle: events the sink refused for good, with its
 * answer. A person lists and reads them, then replays them once the cause is fixed, or purges them.
 *
 * <p>Operations on several ids first check that every id exists and do nothing if one does not.
 */
@ProviderType
public interface DeadLetterStore {

    /**
     * The dead letters, oldest first within each input.
     *
     * @param inputNames the inputs to list; empty for every input
     */
    List<DeadLetter> list(Collection<String> inputNames) throws IOException;

    /**
     * One dead letter with the first {@code maxBodyBytes} bytes of its event.
     *
     * @throws UnknownDeadLetterException if the id names none
     */
    DeadLetterContent show(String id, int maxBodyBytes) throws IOException, UnknownDeadLetterException;

    /**
     * Puts the events back at the end of their inputs' outboxes and wakes their delivery. Each event is durably
     * appended to the outbox before its dead letter is deleted: a crash in between posts it twice, never zero
     * times.
     *
     * @return the ids replayed, in order
     * @throws IOException if one could not be moved; the message says how many were replayed before it
     */
    List<String> replay(Collection<String> ids) throws IOException, UnknownDeadLetterException;

    /**
     * Deletes the dead letters for good.
     *
     * @return the ids deleted
     */
    List<String> purge(Collection<String> ids) throws IOException, UnknownDeadLetterException;
}
