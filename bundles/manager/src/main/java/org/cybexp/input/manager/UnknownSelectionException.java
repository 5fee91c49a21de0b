package org.cybexp.input.manager;

/** A selection named a plugin or an input that the container does not know. */
public final class UnknownSelectionException extends Exception {
    private static final long serialVersionUID = 1L;

    public UnknownSelectionException(String message) {
        super(message);
    }
}
