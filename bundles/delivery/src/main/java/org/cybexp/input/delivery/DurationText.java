package org.cybexp.input.delivery;

import java.time.Duration;

/**
 * A duration as people write it, for log lines: {@code 250 ms}, {@code 1.5 s}, {@code 30 s}, {@code 3 min 1 s},
 * {@code 5 min}, {@code 1 h 2 min}. {@link Duration#toString} ({@code PT5M}) is for machines. At most two units:
 * an hour's seconds tell an operator nothing.
 */
final class DurationText {

    private DurationText() {
    }

    static String of(Duration duration) {
        long millis = Math.max(0, duration.toMillis());
        if (millis < 1000) {
            return millis + " ms";
        }
        long tenths = Math.round(millis / 100.0);
        if (tenths < 100 && tenths % 10 != 0) {
            return tenths / 10 + "." + tenths % 10 + " s"; // a short backoff: its tenths matter
        }
        long seconds = Math.round(millis / 1000.0);
        if (seconds < 60) {
            return seconds + " s";
        }
        if (seconds < 3600) {
            return two(seconds / 60, "min", seconds % 60, "s");
        }
        long minutes = Math.round(seconds / 60.0);
        if (minutes < 24 * 60) {
            return two(minutes / 60, "h", minutes % 60, "min");
        }
        long hours = Math.round(minutes / 60.0);
        return two(hours / 24, "d", hours % 24, "h");
    }

    private static String two(long big, String bigUnit, long small, String smallUnit) {
        return small == 0 ? big + " " + bigUnit : big + " " + bigUnit + " " + small + " " + smallUnit;
    }
}
