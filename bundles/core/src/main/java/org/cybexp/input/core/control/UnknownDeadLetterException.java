package org.cybexp.input.core.control;

import java.util.List;

/** Thrown when a dead-letter id names no dead letter (mistyped, or already replayed or purged); nothing was done. */
public final class UnknownDeadLetterException extends Exception {

    private static final long serialVersionUID = 1L;

    private final List<String> ids;

    public UnknownDeadLetterException(List<String> ids) {
        super((ids.size() == 1 ? "no dead letter " : "no dead letters ") + String.join(", ", ids)
                + " (see 'deadletters list')");
        this.ids = List.copyOf(ids);
    }

    /** The ids not found. */
    public List<String> ids() {
        return ids;
    }
}
