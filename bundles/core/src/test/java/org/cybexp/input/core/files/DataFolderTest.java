package org.cybexp.input.core.files;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

class DataFolderTest {

    @Test
    void dataThenHomeThenWorkingDirectoryAlwaysAbsolute() {
        assertEquals(Path.of("/srv/d"), DataFolder.resolve(Map.of("cybexp.data", " /srv/d ", "cybexp.home", "/opt/c")::get));
        assertEquals(Path.of("/opt/c/data"), DataFolder.resolve(Map.of("cybexp.home", "/opt/c")::get));
        assertEquals(Path.of("data").toAbsolutePath(), DataFolder.resolve(Map.<String, String>of()::get));
        assertEquals(Path.of("rel").toAbsolutePath(), DataFolder.resolve(Map.of("cybexp.data", "rel")::get));
    }
}
