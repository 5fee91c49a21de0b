package org.cybexp.input.runtime.container;

import java.time.Duration;
import java.util.concurrent.Callable;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/** Polls a condition with a deadline: FileInstall polls, plugins start and fetches run asynchronously. */
public final class Await {

    private Await() {
    }

    public static ConditionFactory within(int seconds) {
        return Awaitility.await().atMost(Duration.ofSeconds(seconds)).pollInterval(Duration.ofMillis(100))
                .ignoreExceptions();
    }

    public static void until(int seconds, String what, Callable<Boolean> condition) {
        within(seconds).alias(what).until(condition);
    }
}
