package org.cybexp.input.delivery;

/** The {@code cybexp.api} configuration cannot be used; the message says why and holds no secret. */
final class InvalidSinkConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    InvalidSinkConfigException(String message) {
        super(message);
    }
}
