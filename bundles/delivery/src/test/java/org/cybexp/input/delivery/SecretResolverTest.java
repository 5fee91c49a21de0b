package org.cybexp.input.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretResolverTest {

    private final SecretResolver resolver = new SecretResolver(Map.of("CYBEX_TOKEN", "from-env")::get);

    @TempDir
    Path dir;

    @Test
    void literalEnvironmentAndFile() throws Exception {
        Path file = Files.writeString(dir.resolve("token"), "  from-file\n");
        assertEquals("plain", resolver.resolve("token", "plain").reveal());
        assertEquals("from-env", resolver.resolve("token", "${env:CYBEX_TOKEN}").reveal());
        assertEquals("from-file", resolver.resolve("token", "${file:" + file + "}").reveal());
    }

    @Test
    void unresolvableReferencesSayWhichWithoutAValue() throws Exception {
        InvalidSinkConfigException env = assertThrows(InvalidSinkConfigException.class,
                () -> resolver.resolve("token", "${env:MISSING}"));
        assertEquals("token: refers to environment variable 'MISSING', which is not set", env.getMessage());

        Path missing = dir.resolve("nope");
        InvalidSinkConfigException file = assertThrows(InvalidSinkConfigException.class,
                () -> resolver.resolve("token", "${file:" + missing + "}"));
        assertEquals("token: refers to file '" + missing + "', which cannot be read (NoSuchFileException)",
                file.getMessage());

        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        InvalidSinkConfigException blank = assertThrows(InvalidSinkConfigException.class,
                () -> resolver.resolve("token", "${file:" + empty + "}"));
        assertFalse(blank.getMessage().contains("from-"), blank.getMessage());
    }
}
