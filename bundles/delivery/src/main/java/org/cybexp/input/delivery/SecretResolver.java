package org.cybexp.input.delivery;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.cybexp.input.api.Secret;

/**
 * Resolves a configured secret: {@code ${env:NAME}} reads an environment variable, {@code ${file:/path}} a file
 * (trimmed), anything else is the secret itself. Error messages name the variable or file, never the value.
 */
final class SecretResolver {

    private static final Pattern ENV = Pattern.compile("\\$\\{env:([^}]+)}");
    private static final Pattern FILE = Pattern.compile("\\$\\{file:([^}]+)}");

    private final UnaryOperator<String> environment;

    /** @param environment looks an environment variable up, e.g. {@code System::getenv} */
    SecretResolver(UnaryOperator<String> environment) {
        this.environment = environment;
    }

    /** @throws InvalidSinkConfigException if the variable is unset or the file unreadable or empty */
    Secret resolve(String key, String configured) throws InvalidSinkConfigException {
        Matcher env = ENV.matcher(configured);
        if (env.matches()) {
            String value = environment.apply(env.group(1));
            if (value == null || value.isBlank()) {
                throw new InvalidSinkConfigException(key + ": environment variable " + env.group(1) + " is not set");
            }
            return Secret.of(value.trim());
        }
        Matcher file = FILE.matcher(configured);
        if (file.matches()) {
            return Secret.of(read(key, Path.of(file.group(1))));
        }
        return Secret.of(configured);
    }

    private static String read(String key, Path file) throws InvalidSinkConfigException {
        String value;
        try {
            value = Files.readString(file).strip();
        } catch (IOException e) {
            throw new InvalidSinkConfigException(key + ": cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
        }
        if (value.isEmpty()) {
            throw new InvalidSinkConfigException(key + ": " + file + " is empty");
        }
        return value;
    }
}
