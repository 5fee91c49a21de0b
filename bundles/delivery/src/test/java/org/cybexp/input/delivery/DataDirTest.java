package org.cybexp.input.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

class DataDirTest {

    @Test
    void dataThenHomeThenWorkingDirectory() {
        assertEquals(Path.of("/srv/d"), DataDir.of(Map.of("cybexp.data", "/srv/d", "cybexp.home", "/opt/c")::get));
        assertEquals(Path.of("/opt/c/data"), DataDir.of(Map.of("cybexp.home", "/opt/c")::get));
        assertEquals(Path.of("data"), DataDir.of(Map.<String, String>of()::get));
    }
}
