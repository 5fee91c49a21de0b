package org.cybexp.input.runtime;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Properties;

/**
 * The web console's login, never the console's default admin/admin: a {@code {sha-256}} hash set as
 * {@value #PASSWORD} in {@code etc/system.properties}, or else a random password generated at the first start
 * into {@code data/console-password} (mode 0600, in the 0700 data folder), whose hash the daemon gets as that
 * property before the console starts. {@code cybexp-input console-password} says which, and where.
 */
final class ConsolePassword {

    static final String PASSWORD = "felix.webconsole.password";
    static final String USER = "felix.webconsole.username";
    static final String FILE = "console-password";
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    private final Home home;

    ConsolePassword(Home home) {
        this.home = home;
    }

    /** Before Felix boots: the hash from etc/, or the generated file's, as the framework property. */
    void prepare() throws IOException {
        if (configured() != null || System.getProperty(PASSWORD) != null) {
            return; // Felix Main reads etc/system.properties itself
        }
        Path file = file();
        if (!Files.isRegularFile(file)) {
            generate(file);
        }
        String password = Files.readString(file, StandardCharsets.UTF_8).strip();
        System.setProperty(PASSWORD, hash(password));
    }

    /** {@code cybexp-input console-password}: where the login is, and where the console is; never the password. */
    int show(PrintStream out) throws IOException {
        Properties http = read(home.etc().resolve("org.apache.felix.http.cfg"));
        String host = http.getProperty("org.apache.felix.http.host", "127.0.0.1").strip();
        String port = http.getProperty("org.osgi.service.http.port", "8181").strip();
        String user = read(home.etc().resolve("system.properties")).getProperty(USER, "admin").strip();
        out.println("web console: http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port
                + "/system/console/cybexp-inputs (address in etc/org.apache.felix.http.cfg)");
        out.println("user: " + user);
        if (configured() != null) {
            out.println("password: the one whose hash is " + PASSWORD + " in etc/system.properties");
        } else if (Files.isRegularFile(file())) {
            out.println("password: in " + file() + " (generated at the first start; readable by "
                    + Files.getOwner(file()).getName() + " only)");
        } else {
            out.println("password: generated into " + file() + " at the first start (not started yet)");
        }
        return Cli.OK;
    }

    private Path file() {
        return home.data().resolve(FILE);
    }

    private String configured() throws IOException {
        String value = read(home.etc().resolve("system.properties")).getProperty(PASSWORD);
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static void generate(Path file) throws IOException {
        SecureRandom random = new SecureRandom();
        StringBuilder password = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            password.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        Files.createDirectories(file.getParent());
        try {
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(file); // not a POSIX file system: its own access rules apply
            }
        } catch (FileAlreadyExistsException e) {
            return; // another start made it first
        }
        Files.writeString(file, password + "\n", StandardCharsets.UTF_8);
    }

    /** The form the web console accepts: {@code {sha-256}} and the Base64 of the UTF-8 password's SHA-256. */
    static String hash(String password) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(password.getBytes(StandardCharsets.UTF_8));
            return "{sha-256}" + Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static Properties read(Path file) throws IOException {
        Properties properties = new Properties();
        if (Files.isRegularFile(file)) {
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                properties.load(reader);
            }
        }
        return properties;
    }
}
