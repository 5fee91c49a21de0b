package org.cybexp.input.core.store;

import java.nio.file.Path;
import java.util.function.UnaryOperator;

/** Where the container keeps its data: {@code cybexp.data}, else {@code ${cybexp.home}/data}, else {@code ./data}. */
public final class DataDirectory {

    private DataDirectory() {
    }

    /** @param property a framework property lookup, e.g. {@code bundleContext::getProperty} */
    public static Path resolve(UnaryOperator<String> property) {
        String data = property.apply("cybexp.data");
        if (data != null && !data.isBlank()) {
            return Path.of(data.trim()).toAbsolutePath();
        }
        String home = property.apply("cybexp.home");
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
