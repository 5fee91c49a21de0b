package org.cybexp.input.control;

import java.nio.file.Path;
import java.util.function.UnaryOperator;

/** Where the daemon keeps its files: {@code cybexp.data}, else {@code ${cybexp.home}/data}, else {@code ./data}. */
final class DataFolder {

    static final String DATA_PROPERTY = "cybexp.data";
    static final String HOME_PROPERTY = "cybexp.home";

    private DataFolder() {
    }

    /** @param properties framework properties (a lookup that answers null for an unset key) */
    static Path resolve(UnaryOperator<String> properties) {
        String data = properties.apply(DATA_PROPERTY);
        if (data != null && !data.isBlank()) {
            return Path.of(data).toAbsolutePath();
        }
        String home = properties.apply(HOME_PROPERTY);
        if (home != null && !home.isBlank()) {
            return Path.of(home, "data").toAbsolutePath();
        }
        return Path.of("data").toAbsolutePath();
    }
}
