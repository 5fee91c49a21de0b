package org.cybexp.input.api;

import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * An input's configuration: the common keys, validated by the container, and the plugin's own keys, read with
 * the typed getters or as a whole with {@link #as(Class)}. Immutable. {@link #toString()} masks secrets.
 */
public final class InputConfig {

    /** Keys whose values are masked wherever the configuration is shown. */
    private static final Pattern SECRET_KEY = Pattern.compile("(?i).*(key|token|password|secret|credential).*");

    /** The longest text {@link #redact(String)} returns: a 1 MB value must not become a 1 MB status line. */
    private static final int MAX_SHOWN_CHARS = 2000;

    private final String plugin;
    private final String name;
    private final String orgid;
    private final String typetag;
    private final ZoneId timezone;
    private final Duration period;
    private final boolean enabled;
    private final Map<String, Object> properties;
    /** Key to the {@code ${env:..}}/{@code ${file:..}} reference its value was resolved from. */
    private final Map<String, String> references;
    private final List<String> warnings;

    /**
     * Built by the container after validating the common keys; tests and tools may build one too.
     *
     * @param properties every key of the configuration, common ones included
     */
    public InputConfig(String plugin, String name, String orgid, String typetag, ZoneId timezone, Duration period,
            boolean enabled, Map<String, ?> properties) {
        this.plugin = plugin;
        this.name = name;
        this.orgid = orgid;
        this.typetag = typetag;
        this.timezone = timezone;
        this.period = period;
        this.enabled = enabled;
        this.properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
        this.references = Map.of();
        this.warnings = List.of();
    }

    private InputConfig(InputConfig config, Map<String, String> references, List<String> warnings) {
        this.plugin = config.plugin;
        this.name = config.name;
        this.orgid = config.orgid;
        this.typetag = config.typetag;
        this.timezone = config.timezone;
        this.period = config.period;
        this.enabled = config.enabled;
        this.properties = config.properties;
        this.references = Map.copyOf(references);
        this.warnings = List.copyOf(warnings);
    }

    /**
     * This configuration, remembering which keys' values were resolved from a reference (e.g.
     * {@code token -> ${env:CYBEXP_TOKEN}}), so that {@link #redact(String)} names the reference instead of
     * the value. The container calls it; plugins need not.
     *
     * @since 1.2
     */
    public InputConfig withReferences(Map<String, String> referenceByKey) {
        return new InputConfig(this, referenceByKey, warnings);
    }

    /**
     * This configuration with warnings about it: accepted, but probably not what was meant (e.g. a
     * {@code period} under {@code min_interval}). The container shows them in status and the log.
     *
     * @since 1.2
     */
    public InputConfig withWarnings(List<String> newWarnings) {
        return new InputConfig(this, references, newWarnings);
    }

    /**
     * What the container found questionable in this configuration, without refusing it.
     *
     * @since 1.2
     */
    public List<String> warnings() {
        return warnings;
    }

    /**
     * A text (typically an error message) made safe to show: every whole occurrence of a value that came from
     * a reference is replaced by the reference ({@code ${env:NAME}}), of a secret key's value by {@code ***},
     * and long texts are cut. The container applies it to the messages of {@link InvalidConfigException}s
     * thrown by {@link SourcePlugin#open(InputConfig)}.
     *
     * @since 1.2
     */
    public String redact(String text) {
        String out = text;
        for (Map.Entry<String, String> reference : references.entrySet()) {
            out = WholeValues.replace(out, stringValue(properties.get(reference.getKey())), reference.getValue());
        }
        for (Map.Entry<String, Object> entry : properties.entrySet()) {
            if (isSecretKey(entry.getKey())) {
                out = WholeValues.replace(out, stringValue(entry.getValue()), "***");
            }
        }
        return out == null || out.length() <= MAX_SHOWN_CHARS ? out
                : out.substring(0, MAX_SHOWN_CHARS) + "... (cut, " + out.length() + " characters)";
    }

    private static String stringValue(Object value) {
        if (value == null) {
            return "";
        }
        return (value.getClass().isArray() ? join(value) : value.toString()).trim();
    }

    /**
     * The one boolean syntax of configurations: {@code true} or {@code false}, in any case. Anything else
     * ({@code yes}, {@code 1}, {@code flase}) is refused rather than guessed.
     *
     * @throws InvalidConfigException naming the key
     * @since 1.2
     */
    public static boolean parseBoolean(String key, String text) throws InvalidConfigException {
        String value = text == null ? "" : text.trim();
        if (value.equalsIgnoreCase("true")) {
            return true;
        }
        if (value.equalsIgnoreCase("false")) {
            return false;
        }
        throw new InvalidConfigException(key, "must be true or false, got " + quote(value));
    }

    /**
     * A value quoted for a message, cut when long (a 1 MB value must not become a 1 MB status line).
     *
     * @since 1.2
     */
    public static String quote(String value) {
        int max = 80;
        if (value == null) {
            return "''";
        }
        return value.length() <= max ? "'" + value + "'"
                : "'" + value.substring(0, max) + "...' (" + value.length() + " characters)";
    }

    /** The plugin's name, e.g. {@code openphish}. */
    public String plugin() {
        return plugin;
    }

    /** The input's unique name. */
    public String name() {
        return name;
    }

    /** The CYBEX-P organisation (hash or name) the records are posted for. */
    public String orgid() {
        return orgid;
    }

    /** The CYBEX-P typetag of the records, e.g. {@code openphish-file-feed}. */
    public String typetag() {
        return typetag;
    }

    /** The time zone of the records' timestamps, posted as {@code timezone}. */
    public ZoneId timezone() {
        return timezone;
    }

    /** Time between two fetches of a polling input. */
    public Duration period() {
        return period;
    }

    public boolean enabled() {
        return enabled;
    }

    /** Every key, common ones included; values as ConfigAdmin holds them (strings from .cfg files). */
    public Map<String, Object> properties() {
        return properties;
    }

    public Optional<String> get(String key) {
        Object value = properties.get(key);
        if (value == null) {
            return Optional.empty();
        }
        String text = value.getClass().isArray() ? join(value) : value.toString().trim();
        return text.isEmpty() ? Optional.empty() : Optional.of(text);
    }

    public String getString(String key, String defaultValue) {
        return get(key).orElse(defaultValue);
    }

    /** @throws InvalidConfigException if the key is absent or empty */
    public String require(String key) throws InvalidConfigException {
        return get(key).orElseThrow(() -> new InvalidConfigException(key, "is required"));
    }

    /** @throws InvalidConfigException if present but not a whole number */
    public long getLong(String key, long defaultValue) throws InvalidConfigException {
        Optional<String> text = get(key);
        try {
            return text.isPresent() ? Long.parseLong(text.get()) : defaultValue;
        } catch (NumberFormatException e) {
            throw new InvalidConfigException(key, "must be a whole number, got " + quote(text.get()));
        }
    }

    /** @throws InvalidConfigException if present but neither true nor false (see {@link #parseBoolean}) */
    public boolean getBoolean(String key, boolean defaultValue) throws InvalidConfigException {
        Optional<String> text = get(key);
        return text.isEmpty() ? defaultValue : parseBoolean(key, text.get());
    }

    /** A secret value, masked when printed. */
    public Secret getSecret(String key) {
        return Secret.of(get(key).orElse(""));
    }

    /**
     * The configuration as an annotation type whose element names are the keys (e.g. {@code String url()},
     * {@code long period()}); absent keys take the element's default. Element names follow the naming rule of
     * OSGi component property types, so the same annotation can also be the plugin's metatype
     * ({@code @ObjectClassDefinition}): {@code verify__tls()} reads the key {@code verify_tls}, and
     * {@code a_b()} reads {@code a.b} (or, if that is absent, {@code a_b}).
     *
     * @throws InvalidConfigException if a present value cannot be converted to the element's type
     */
    public <A> A as(Class<A> type) throws InvalidConfigException {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Method method : type.getDeclaredMethods()) {
            if (method.getParameterCount() == 0) {
                values.put(method.getName(), convert(method));
            }
        }
        Object proxy = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, m, args) -> {
            if (values.containsKey(m.getName()) && m.getParameterCount() == 0) {
                return values.get(m.getName());
            }
            return switch (m.getName()) {
                case "toString" -> type.getSimpleName() + masked(values);
                case "hashCode" -> values.hashCode();
                case "equals" -> p == args[0];
                case "annotationType" -> type;
                default -> throw new UnsupportedOperationException(m.getName());
            };
        });
        return type.cast(proxy);
    }

    /** The OSGi rule: {@code __} is {@code _}, {@code _} is {@code .}, {@code $_$} is {@code -}, {@code $$} is {@code $}. */
    static String keyOf(String element) {
        StringBuilder key = new StringBuilder(element.length());
        for (int i = 0; i < element.length(); i++) {
            char c = element.charAt(i);
            if (c == '_') {
                boolean doubled = i + 1 < element.length() && element.charAt(i + 1) == '_';
                key.append(doubled ? '_' : '.');
                i += doubled ? 1 : 0;
            } else if (c == '$') {
                if (element.startsWith("$_$", i)) {
                    key.append('-');
                    i += 2;
                } else if (element.startsWith("$$", i)) {
                    key.append('$');
                    i += 1;
                }
            } else {
                key.append(c);
            }
        }
        return key.toString();
    }

    private Object convert(Method method) throws InvalidConfigException {
        String key = keyOf(method.getName());
        if (get(key).isEmpty() && get(method.getName()).isPresent()) {
            key = method.getName(); // a_b() written as a_b in the file: what a plugin author means
        }
        Class<?> target = method.getReturnType();
        Optional<String> text = get(key);
        if (text.isEmpty()) {
            Object fallback = method.getDefaultValue();
            if (fallback != null) {
                return fallback;
            }
            if (target.isPrimitive()) {
                throw new InvalidConfigException(key, "is required");
            }
            return target == String.class ? "" : null;
        }
        String value = text.get();
        try {
            if (target == String.class) {
                return value;
            } else if (target == long.class) {
                return Long.parseLong(value);
            } else if (target == int.class) {
                return Integer.parseInt(value);
            } else if (target == double.class) {
                return Double.parseDouble(value);
            } else if (target == boolean.class) {
                return getBoolean(key, false);
            } else if (target == Secret.class) {
                return Secret.of(value);
            } else if (target.isEnum()) {
                return enumValue(key, target, value);
            } else if (target == String[].class) {
                Object raw = properties.get(key);
                return raw instanceof String[] array ? array.clone() : value.split("\\s*,\\s*");
            }
        } catch (NumberFormatException e) {
            throw new InvalidConfigException(key, "must be a number, got " + quote(value));
        }
        throw new InvalidConfigException(key, "has an unsupported type " + target.getSimpleName());
    }

    private static Object enumValue(String key, Class<?> target, String value) throws InvalidConfigException {
        StringBuilder known = new StringBuilder();
        for (Object constant : target.getEnumConstants()) {
            if (((Enum<?>) constant).name().equalsIgnoreCase(value)) {
                return constant;
            }
            known.append(known.length() == 0 ? "" : ", ").append(((Enum<?>) constant).name().toLowerCase());
        }
        throw new InvalidConfigException(key, "must be one of " + known + ", got " + quote(value));
    }

    private static String join(Object array) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < Array.getLength(array); i++) {
            out.append(i == 0 ? "" : ",").append(Array.get(array, i));
        }
        return out.toString();
    }

    /** Whether a key holds a secret by its name (key, token, password, secret, credential). */
    public static boolean isSecretKey(String key) {
        return SECRET_KEY.matcher(key).matches();
    }

    /**
     * The properties with secret values replaced by {@code ***} and values from references by the reference
     * ({@code ${env:NAME}}), sorted by key: safe to print.
     */
    public Map<String, Object> maskedProperties() {
        Map<String, Object> out = masked(properties);
        references.forEach((key, reference) -> {
            if (out.containsKey(key) && !"***".equals(out.get(key))) {
                out.put(key, reference);
            }
        });
        return out;
    }

    private static Map<String, Object> masked(Map<String, Object> values) {
        Map<String, Object> out = new TreeMap<>();
        values.forEach((k, v) -> out.put(k, isSecretKey(k) && v != null && !v.toString().isEmpty() ? "***" : v));
        return out;
    }

    @Override
    public String toString() {
        return "InputConfig[" + plugin + "/" + name + " " + maskedProperties() + "]";
    }
}
