package org.cybexp.input.core.testing;

import java.time.Duration;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;

import org.cybexp.input.api.InputConfig;

/** Builds input configurations for tests. */
public final class Configs {

    private Configs() {
    }

    /** An input named {@code name} with a period and extra keys given as key, value pairs. */
    public static InputConfig input(String name, long periodSeconds, String... keyValues) {
        Map<String, Object> properties = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.put(keyValues[i], keyValues[i + 1]);
        }
        return new InputConfig("test", name, "org1", "test-type", ZoneOffset.UTC, Duration.ofSeconds(periodSeconds),
                true, properties);
    }
}
