package org.cybexp.input.source.mispfile;

import java.util.List;

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

    private static final int PROBLEMS_LISTED = 20;

    /** The reason of an entry some of whose events could not be posted while the others were. */
    static String describe(List<String> problems, int problemsBefore, long events, String what) {
        StringBuilder text = new StringBuilder();
        text.append(problemsBefore + problems.size()).append(" problem(s) in ").append(what)
                .append("; the other events were posted:");
        problems.stream().limit(PROBLEMS_LISTED).forEach(p -> text.append("\n - ").append(p));
        if (problems.size() > PROBLEMS_LISTED) {
            text.append("\n - ... and ").append(problems.size() - PROBLEMS_LISTED).append(" more");
        }
        if (problemsBefore > 0) {
            text.append("\n - ").append(problemsBefore).append(" found before a restart (see the log)");
        }
        return text.toString();
    }
}
