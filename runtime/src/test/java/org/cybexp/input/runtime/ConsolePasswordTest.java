package org.cybexp.input.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The web console's login: a hash the console accepts, a generated password only its owner reads. */
class ConsolePasswordTest {

    @TempDir
    Path root;

    @AfterEach
    void forgetTheProperty() {
        System.clearProperty(ConsolePassword.PASSWORD);
    }

    @Test
    void theHashIsTheFormTheConsoleAccepts() {
        // the Felix Web Console's own default, the hash of "admin"
        assertEquals("{sha-256}jGl25bVBBBW96Qi9Te4V37Fnqchz/Eu4qB9vKrRIqRg=", ConsolePassword.hash("admin"));
    }

    @Test
    void theFirstStartGeneratesAPrivatePasswordAndLaterStartsKeepIt() throws Exception {
        Home home = new Home(root);
        new ConsolePassword(home).prepare();
        Path file = root.resolve("data/console-password");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        String password = Files.readString(file).strip();
        assertTrue(password.length() >= 20, password);
        assertEquals(ConsolePassword.hash(password), System.getProperty(ConsolePassword.PASSWORD));
        assertNotEquals(ConsolePassword.hash("admin"), System.getProperty(ConsolePassword.PASSWORD));
        System.clearProperty(ConsolePassword.PASSWORD);
        new ConsolePassword(home).prepare();
        assertEquals(password, Files.readString(file).strip(), "kept across starts");

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new ConsolePassword(home).show(new PrintStream(out, true, StandardCharsets.UTF_8));
        String shown = out.toString(StandardCharsets.UTF_8);
        assertTrue(shown.contains(file.toString()) && shown.contains(":8181/system/console/"), shown);
        assertFalse(shown.contains(password), "where, never the password");
    }

    @Test
    void aHashInEtcMeansNoGeneratedFile() throws Exception {
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/system.properties"), ConsolePassword.PASSWORD + " = "
                + ConsolePassword.hash("chosen").replace("{", "\\{") + "\n");
        new ConsolePassword(new Home(root)).prepare();
        assertFalse(Files.exists(root.resolve("data/console-password")));
        assertEquals(null, System.getProperty(ConsolePassword.PASSWORD), "Felix reads etc/system.properties itself");
    }
}
