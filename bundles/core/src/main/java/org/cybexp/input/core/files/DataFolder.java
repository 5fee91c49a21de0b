package org.cybexp.input.core.files;

import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * Where the container keeps its data: the framework property {@code cybexp.data}, else
 * {@code ${cybexp.home}/data}, else {@code ./data}; always an absolute path. The one lookup the core, the
 * delivery and the control bundles share, so they can never disagree about where the outboxes, the state and
 * {@code runningconfig} are.
 */
public final class DataFolder {

    public static final String DATA_PROPERTY = "cybexp.data";
    public static final String HOME_PROPERTY = "cybexp.home";

    private DataFolder() {
    }

    /** @param property a framework property lookup answering null when unset, e.g. {@code context::getProperty} */
    public static Path resolve(UnaryOperator<String> property) {
        String data = property.apply(DATA_PROPERTY);
        if (data != null && !data.isBlank()) {
            return Path.of(data.trim()).toAbsolutePath();
        }
        String home = property.apply(HOME_PROPERTY);
        if (home != null && !home.isBlank()) {
            return Path.of(home.trim(), "data").toAbsolutePath();
        }
        return Path.of("data").toAbsolutePath();
    }

    /** The folder of one input's state and dedup files. */
    public static Path stateOf(Path dataDir, String inputName) {
        return dataDir.resolve("state").resolve(inputName);
    }
}
