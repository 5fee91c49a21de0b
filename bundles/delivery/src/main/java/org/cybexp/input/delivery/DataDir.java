package org.cybexp.input.delivery;

import java.nio.file.Path;
import java.util.function.UnaryOperator;

/** Where the data folder is: {@code cybexp.data}, else {@code ${cybexp.home}/data}, else {@code ./data}. */
final class DataDir {

    private DataDir() {
    }

    /** @param property looks a framework property up (falling back to system properties) */
    static Path of(UnaryOperator<String> property) {
        String data = property.apply("cybexp.data");
        if (data != null && !data.isBlank()) {
            return Path.of(data.trim());
        }
        String home = property.apply("cybexp.home");
        return home != null && !home.isBlank() ? Path.of(home.trim(), "data") : Path.of("data");
    }
}
