package org.cybexp.input.source.mispfile;

/**
 * How reading one entry ended.
 *
 * @param stopped a stop was requested inside the entry: it stays, and the next run resumes in it
 * @param failure why the entry is unreadable (it goes to {@code failed/}), or null if it was read through
 */
record Outcome(boolean stopped, String failure) {

    static final Outcome DONE = new Outcome(false, null);
    static final Outcome STOPPED = new Outcome(true, null);

    static Outcome failed(String reason) {
        return new Outcome(false, reason);
    }

    boolean failed() {
        return failure != null;
    }
}
