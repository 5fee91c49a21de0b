package org.cybexp.input.testkit;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import org.cybexp.input.api.InputConfig;
import org.cybexp.input.api.InvalidConfigException;
import org.cybexp.input.api.SourcePlugin;

/**
 * Turns a configuration map, as a {@code .cfg} file would give it, into the {@link InputConfig} the container
 * would hand the plugin: the common keys checked and defaulted the same way ({@code name}, {@code orgid},
 * {@code typetag} from {@link SourcePlugin#defaultTypetag()}, {@code timezone} UTC, {@code period} from
 * {@link SourcePlugin#defaultPeriodSeconds()}, {@code enabled}), and the original CYBEX-P aliases
 * ({@code human_name}, {@code archive_processing_typetag}, {@code seconds_between_fetches},
 * {@code input_plugin_name}) accepted. {@code ${env:..}} and {@code ${file:..}} references are not resolved.
 *
 * <pre>{@code
 * InputConfig config = InputConfigs.of(new MyPlugin(), "main", Map.of("orgid", "org1", "url", url));
 * }</pre>
 */
public final class InputConfigs {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final Map<String, String> ALIASES = Map.of("name", "human_name",
            "typetag", "archive_processing_typetag", "period", "seconds_between_fetches");

    private InputConfigs() {
    }

    /**
     * The configuration of an input of {@code plugin}.
     *
     * @param defaultName the name when the map has none (the container uses the file's instance name)
     * @param properties the keys and values, strings as in a {@code .cfg} file or typed values
     * @throws InvalidConfigException naming the first bad common key, as the container would refuse it
     */
    public static InputConfig of(SourcePlugin plugin, String defaultName, Map<String, ?> properties)
            throws InvalidConfigException {
        Map<String, Object> values = new LinkedHashMap<>();
        properties.forEach((key, value) -> {
            if (value != null) {
                values.put(key, value);
            }
        });
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
        // Plugins read canonical keys (e.g. with InputConfig.as) even from an original CYBEX-P configuration.
        ALIASES.forEach((key, alias) -> {
            if (nonEmpty(values.get(key)).isEmpty() && values.containsKey(alias)) {
                values.put(key, values.get(alias));
            }
        });
        return new InputConfig(plugin.name(), name, orgid, typetag, timezone, period, enabled, values);
    }

    private static Optional<String> text(Map<String, Object> values, String key) {
        Optional<String> own = nonEmpty(values.get(key));
        String alias = ALIASES.get(key);
        return own.isPresent() || alias == null ? own : nonEmpty(values.get(alias));
    }

    private static Optional<String> nonEmpty(Object value) {
        String text = value == null ? "" : value.toString().trim();
        return text.isEmpty() ? Optional.empty() : Optional.of(text);
    }

    private static ZoneId timezone(Map<String, Object> values) throws InvalidConfigException {
        String zone = text(values, "timezone").orElse("UTC");
        try {
            return ZoneId.of(zone);
        } catch (DateTimeException e) {
            throw new InvalidConfigException("timezone", "'" + zone + "' is not a time zone");
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
            // reported below
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
