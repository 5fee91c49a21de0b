package org.cybexp.input.core.config;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import org.cybexp.input.api.InputConfig;
import org.cybexp.input.api.InvalidConfigException;
import org.cybexp.input.api.SourcePlugin;
import org.cybexp.input.core.reference.ValueReferences;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place an input's configuration is checked before its plugin sees it: {@code ${env:..}} and
 * {@code ${file:..}} references resolved (in memory only), every key known to the core's metatype
 * ({@link CommonKeys}) or the plugin's, every value of the type and within the bounds its metatype declares,
 * {@code file:} URLs inside {@code allowed_file_roots}, and the common keys' own rules. Errors name the key and,
 * for a value from a reference, the reference instead of the value.
 */
public final class CommonConfigValidator {

    private static final Logger LOG = LoggerFactory.getLogger(CommonConfigValidator.class);

    /** The name becomes a folder name: keep it portable and free of path separators. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    /** Keys ConfigAdmin and FileInstall add; they are not the user's configuration. */
    private static final Set<String> BOOKKEEPING = Set.of("service.pid", "service.factoryPid",
            "felix.fileinstall.filename", "service.bundleLocation");

    /** Canonical key to the original CYBEX-P name accepted for it ({@code input_plugin_name} is only checked). */
    private static final Map<String, String> ALIASES = Map.of("name", "human_name",
            "typetag", "archive_processing_typetag", "period", "seconds_between_fetches");
    private static final String PLUGIN_NAME_KEY = "input_plugin_name";

    private final ValueReferences references;
    private final FileRoots fileRoots;
    private final BundleMetatypes metatypes = new BundleMetatypes();

    public CommonConfigValidator(ValueReferences references) {
        this(references, FileRoots.ofInstallation());
    }

    public CommonConfigValidator(ValueReferences references, FileRoots fileRoots) {
        this.references = references;
        this.fileRoots = fileRoots;
    }

    /** @throws InvalidConfigException naming the first bad key */
    public InputConfig validate(SourcePlugin plugin, String defaultName, Map<String, ?> properties)
            throws InvalidConfigException {
        Map<String, String> referenceByKey = new LinkedHashMap<>();
        Map<String, Object> values = resolved(properties, referenceByKey);
        InputConfig draft = new InputConfig(plugin.name(), "", "", "", ZoneOffset.UTC, Duration.ZERO, true, values)
                .withReferences(referenceByKey);
        try {
            InputConfig config = checked(plugin, defaultName, values).withReferences(referenceByKey);
            config.warnings().forEach(warning -> LOG.warn("input '{}': {}", config.name(), warning));
            return config;
        } catch (InvalidConfigException e) {
            String problem = e.getMessage().substring(Math.min(e.getMessage().length(), e.key().length() + 2));
            throw new InvalidConfigException(e.key(), draft.redact(problem));
        }
    }

    /** The keys of {@code plugin}'s metatype, empty for a plugin without one (its keys are not checked). */
    public Optional<ObjectClass> pluginKeys(SourcePlugin plugin) {
        return metatypes.designated(plugin.getClass(), SourcePlugin.PID_PREFIX + plugin.name());
    }

    /** The core's metatype of the keys every input has. */
    public ObjectClass commonKeys() {
        return metatypes.objectClass(CommonKeys.class, CommonKeys.ID).orElseThrow(() -> new IllegalStateException(
                "the core's metatype " + CommonKeys.ID + " is missing from its bundle"));
    }

    private InputConfig checked(SourcePlugin plugin, String defaultName, Map<String, Object> values)
            throws InvalidConfigException {
        ObjectClass common = commonKeys();
        Optional<ObjectClass> own = pluginKeys(plugin);
        List<String> warnings = new ArrayList<>();
        if (own.isPresent()) {
            KnownKeys.check(plugin.name(), values.keySet(), common, own.get(), ALIASES.values(), PLUGIN_NAME_KEY);
        } else {
            warnings.add("plugin " + plugin.name() + " declares no metatype, so its keys are not checked");
        }
        checkValues(values, common, own);
        String name = text(values, "name").orElse(defaultName == null ? "" : defaultName.trim());
        if (!NAME.matcher(name).matches()) {
            throw new InvalidConfigException("name", InputConfig.quote(name) + " must be 1-64 letters, digits, "
                    + "'_', '.' or '-', starting with a letter or digit (it names folders)");
        }
        String orgid = text(values, "orgid").orElseThrow(() -> new InvalidConfigException("orgid", "is required"));
        String typetag = text(values, "typetag").orElse(plugin.defaultTypetag());
        if (typetag.isEmpty()) {
            throw new InvalidConfigException("typetag", "is required for plugin " + plugin.name());
        }
        Optional<String> pluginName = nonEmpty(values.get(PLUGIN_NAME_KEY));
        if (pluginName.isPresent() && !pluginName.get().equals(plugin.name())) {
            throw new InvalidConfigException(PLUGIN_NAME_KEY, "is " + InputConfig.quote(pluginName.get())
                    + " but this configuration belongs to plugin '" + plugin.name() + "'");
        }
        ZoneId timezone = timezone(values);
        Duration period = text(values, "period").map(Long::parseLong).map(Duration::ofSeconds)
                .orElse(Duration.ofSeconds(plugin.defaultPeriodSeconds()));
        boolean enabled = InputConfig.parseBoolean("enabled", text(values, "enabled").orElse("true"));
        copyAliases(values);
        checkFileUrls(values);
        InputConfig config = new InputConfig(plugin.name(), name, orgid, typetag, timezone, period, enabled, values);
        CoreInputSettings settings = CoreInputSettings.of(config);
        if (period.compareTo(settings.minInterval()) < 0) {
            warnings.add("period " + period.toSeconds() + " is under min_interval " + settings.minInterval()
                    .toSeconds() + ", so fetches start every " + settings.minInterval().toSeconds() + " s");
        }
        return config.withWarnings(warnings);
    }

    private Map<String, Object> resolved(Map<String, ?> properties, Map<String, String> referenceByKey)
            throws InvalidConfigException {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Map.Entry<String, ?> entry : properties.entrySet()) {
            String key = entry.getKey();
            Object value = entry.getValue();
            if (BOOKKEEPING.contains(key) || value == null) {
                continue;
            }
            if (value instanceof String text) {
                if (ValueReferences.hasReference(text)) {
                    referenceByKey.put(key, text.trim());
                }
                value = references.resolve(key, text);
            } else if (value instanceof String[] texts) {
                String[] copy = new String[texts.length];
                for (int i = 0; i < texts.length; i++) {
                    if (ValueReferences.hasReference(texts[i])) {
                        referenceByKey.put(key, String.join(",", texts));
                    }
                    copy[i] = texts[i] == null ? null : references.resolve(key, texts[i]);
                }
                value = copy;
            }
            values.put(key, value);
        }
        return values;
    }

    /** Types and bounds from the metatypes; an alias is checked as its canonical key. */
    private static void checkValues(Map<String, Object> values, ObjectClass common, Optional<ObjectClass> own)
            throws InvalidConfigException {
        for (Map.Entry<String, Object> entry : values.entrySet()) {
            String key = entry.getKey();
            String canonical = ALIASES.entrySet().stream().filter(alias -> alias.getValue().equals(key))
                    .map(Map.Entry::getKey).findFirst().orElse(key);
            KeyDefinition definition = own.map(ocd -> ocd.keys().get(canonical))
                    .orElse(common.keys().get(canonical));
            if (definition == null) {
                continue;
            }
            for (String text : texts(entry.getValue())) {
                KeyChecks.check(key, definition, text);
            }
        }
    }

    private void checkFileUrls(Map<String, Object> values) throws InvalidConfigException {
        String roots = nonEmpty(values.get("allowed_file_roots")).orElse(FileRoots.DEFAULT);
        for (Map.Entry<String, Object> entry : values.entrySet()) {
            for (String text : texts(entry.getValue())) {
                fileRoots.check(entry.getKey(), text.trim(), roots);
            }
        }
    }

    private static List<String> texts(Object value) {
        if (value instanceof String[] array) {
            return Arrays.stream(array).filter(Objects::nonNull).toList();
        }
        return List.of(value.toString());
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
            throw new InvalidConfigException("timezone", InputConfig.quote(zone) + " is not a time zone; use e.g."
                    + " UTC, America/Chicago or +02:00");
        }
    }
}
