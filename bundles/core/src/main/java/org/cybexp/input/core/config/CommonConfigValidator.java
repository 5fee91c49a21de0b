package org.cybexp.input.core.config;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import org.cybexp.input.api.InputConfig;
import org.cybexp.input.api.InvalidConfigException;
import org.cybexp.input.api.SourcePlugin;

/**
 * Checks the keys every input has (name, orgid, typetag, timezone, period, enabled, the original CYBEX-P
 * aliases) and the core's own keys, after resolving {@code ${env:..}} and {@code ${file:..}} references.
 */
public final class CommonConfigValidator {

    /** The name becomes a folder name: keep it portable and free of path separators. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    /** Keys ConfigAdmin and FileInstall add; they are not the user's configuration. */
    private static final Set<String> BOOKKEEPING = Set.of("service.pid", "service.factoryPid",
            "felix.fileinstall.filename", "service.bundleLocation");

    /** Canonical key to the original CYBEX-P name accepted for it ({@code input_plugin_name} is only checked). */
    private static final Map<String, String> ALIASES = Map.of("name", "human_name",
            "typetag", "archive_processing_typetag", "period", "seconds_between_fetches");

    private final ValueReferences references;

    public CommonConfigValidator(ValueReferences references) {
        this.references = references;
    }

    /** @throws InvalidConfigException naming the first bad key */
    public InputConfig validate(SourcePlugin plugin, String defaultName, Map<String, ?> properties)
            throws InvalidConfigException {
        Map<String, Object> values = resolved(properties);
        String name = text(values, "name").orElse(defaultName == null ? "" : defaultName.trim());
        if (!NAME.matcher(name).matches()) {
            throw new InvalidConfigException("name", "'" + name + "' must be 1-64 letters, digits, '_', '.' or"
                    + " '-', starting with a letter or digit (it names folders)");
        }
        String orgid = text(values, "orgid").orElseThrow(() -> new InvalidConfigException("orgid", "is required"));
        String typetag = text(values, "typetag").orElse(plugin.defaultTypetag());
        if (typetag.isEmpty()) {
            throw new InvalidConfigException("typetag", "is required for plugin " + plugin.name());
        }
        Optional<String> pluginName = nonEmpty(values.get("input_plugin_name"));
        if (pluginName.isPresent() && !pluginName.get().equals(plugin.name())) {
            throw new InvalidConfigException("input_plugin_name", "is '" + pluginName.get()
                    + "' but this configuration belongs to plugin '" + plugin.name() + "'");
        }
        ZoneId timezone = timezone(values);
        Duration period = period(values, plugin.defaultPeriodSeconds());
        boolean enabled = enabled(values);
        copyAliases(values);
        InputConfig config = new InputConfig(plugin.name(), name, orgid, typetag, timezone, period, enabled, values);
        CoreInputSettings.of(config);
        return config;
    }

    private Map<String, Object> resolved(Map<String, ?> properties) throws InvalidConfigException {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Map.Entry<String, ?> entry : properties.entrySet()) {
            String key = entry.getKey();
            Object value = entry.getValue();
            if (BOOKKEEPING.contains(key) || value == null) {
                continue;
            }
            if (value instanceof String text) {
                value = references.resolve(key, text);
            } else if (value instanceof String[] texts) {
                String[] copy = new String[texts.length];
                for (int i = 0; i < texts.length; i++) {
                    copy[i] = texts[i] == null ? null : references.resolve(key, texts[i]);
                }
                value = copy;
            }
            values.put(key, value);
        }
        return values;
    }

    /** The value of a key or of its alias, trimmed, if not empty. */
    private static Optional<String> text(Map<String, Object> values, String key) {
        Optional<String> own = nonEmpty(values.get(key));
        String alias = ALIASES.get(key);
        return own.isPresent() || alias == null ? own : nonEmpty(values.get(alias));
    }

    private static Optional<String> nonEmpty(Object value) {
        String text = value == null ? "" : value.toString().trim();
        return text.isEmpty() ? Optional.empty() : Optional.of(text);
    }

    /** Plugins read canonical keys (e.g. with {@link InputConfig#as(Class)}) even from an original config. */
    private static void copyAliases(Map<String, Object> values) {
        ALIASES.forEach((key, alias) -> {
            if (nonEmpty(values.get(key)).isEmpty() && values.containsKey(alias)) {
                values.put(key, values.get(alias));
            }
        });
    }

    private static ZoneId timezone(Map<String, Object> values) throws InvalidConfigException {
        String zone = text(values, "timezone").orElse("UTC");
        try {
            return ZoneId.of(zone);
        } catch (DateTimeException e) {
            throw new InvalidConfigException("timezone", "'" + zone + "' is not a time zone; use e.g. UTC,"
                    + " America/Chicago or +02:00");
        }
    }

    private static Duration period(Map<String, Object> values, long defaultSeconds) throws InvalidConfigException {
        Optional<String> text = text(values, "period");
        if (text.isEmpty()) {
            return Duration.ofSeconds(defaultSeconds);
        }
        String key = nonEmpty(values.get("period")).isPresent() ? "period" : ALIASES.get("period");
        try {
            long seconds = Long.parseLong(text.get());
            if (seconds >= 0) {
                return Duration.ofSeconds(seconds);
            }
        } catch (NumberFormatException e) {
            // falls through to the error below
        }
        throw new InvalidConfigException(key, "must be a whole number of seconds >= 0, got '" + text.get() + "'");
    }

    private static boolean enabled(Map<String, Object> values) throws InvalidConfigException {
        Optional<String> text = text(values, "enabled");
        if (text.isEmpty()) {
            return true;
        }
        return switch (text.get().toLowerCase()) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new InvalidConfigException("enabled", "must be true or false, got '" + text.get() + "'");
        };
    }
}
