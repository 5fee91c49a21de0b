package org.cybexp.input.core.reference;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.cybexp.input.api.InvalidConfigException;

/**
 * Resolves {@code ${env:NAME}} and {@code ${file:/path}} references inside configuration values, so secrets
 * need not be written into {@code .cfg} files. The placeholder is what ConfigAdmin stores; the value exists
 * only in memory. Errors name the key and the variable or file, never a value. A reference to an unset or
 * empty variable, or to an unreadable or empty file, is an error: whoever wrote it meant a value.
 */
public final class ValueReferences {

    private static final Pattern REFERENCE = Pattern.compile("\\$\\{(env|file):([^}]*)}");

    private final UnaryOperator<String> environment;

    /** @param environment looks up an environment variable, null when unset ({@code System::getenv}) */
    public ValueReferences(UnaryOperator<String> environment) {
        this.environment = environment;
    }

    /** Whether a value holds at least one reference. */
    public static boolean hasReference(String value) {
        return value != null && REFERENCE.matcher(value).find();
    }

    /** The value with every reference replaced by what it points to (a file's content trimmed). */
    public String resolve(String key, String value) throws InvalidConfigException {
        Matcher matcher = REFERENCE.matcher(value);
        if (!matcher.find()) {
            return value;
        }
        StringBuilder out = new StringBuilder();
        int last = 0;
        do {
            out.append(value, last, matcher.start());
            String target = matcher.group(2).trim();
            out.append("env".equals(matcher.group(1)) ? env(key, target) : file(key, target));
            last = matcher.end();
        } while (matcher.find());
        return out.append(value.substring(last)).toString();
    }

    private String env(String key, String variable) throws InvalidConfigException {
        String resolved = variable.isEmpty() ? null : environment.apply(variable);
        if (resolved == null) {
            throw new InvalidConfigException(key, "refers to environment variable '" + variable
                    + "', which is not set");
        }
        if (resolved.isBlank()) {
            throw new InvalidConfigException(key, "refers to environment variable '" + variable
                    + "', which is empty");
        }
        return resolved.trim();
    }

    private static String file(String key, String path) throws InvalidConfigException {
        String content;
        try {
            content = Files.readString(Path.of(path), StandardCharsets.UTF_8).trim();
        } catch (IOException | RuntimeException e) {
            // The exception's message may quote file content (e.g. a charset error); give only its kind.
            throw new InvalidConfigException(key, "refers to file '" + path + "', which cannot be read ("
                    + e.getClass().getSimpleName() + ")");
        }
        if (content.isEmpty()) {
            throw new InvalidConfigException(key, "refers to file '" + path + "', which is empty");
        }
        return content;
    }
}
