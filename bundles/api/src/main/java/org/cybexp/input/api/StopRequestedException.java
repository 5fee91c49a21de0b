package org.cybexp.input.api;

/**
 * Thrown by {@link FetchContext#emit(Event)} after an immediate stop was requested; let it propagate.
 *
 * @since 1.0
 */
public final class StopRequestedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StopRequestedException() {
        super("the input is stopping now", null, false, false);
    }
}
