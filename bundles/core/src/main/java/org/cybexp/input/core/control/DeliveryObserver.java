package org.cybexp.input.core.control;

import java.time.Duration;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Told of every post the delivery makes (a whiteboard service, e.g. the metrics endpoint's request-duration
 * histogram). Called on the delivery's worker thread: it must return at once and never throw.
 */
@ConsumerType
public interface DeliveryObserver {

    /**
     * @param input the input whose record was posted
     * @param status the sink's HTTP status, or 0 when no answer came (network error, timeout)
     * @param took from the start of the post to its answer or failure
     */
    void posted(String input, int status, Duration took);
}
