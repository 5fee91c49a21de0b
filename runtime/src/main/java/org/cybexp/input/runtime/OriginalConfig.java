package org.cybexp.input.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How the original (Python) module's settings map to today's: the keys of every input, each plugin's own keys,
 * and which of them are secrets. Written from each plugin's metatype and docs/sources.md; a key not listed here
 * is reported as not imported.
 */
final class OriginalConfig {

    /** One original key: today's key, whether it is a secret, and how its value is turned into text. */
    record Mapping(String key, boolean secret, Kind kind) {
    }

    /** How a value is written. */
    enum Kind {
        TEXT, WHOLE_NUMBER, BOOLEAN, LIST, PARENT_FOLDER
    }

    /** The keys every original input had, and the data form ({@code name}, {@code plugin}, ...) of later ones. */
    static final Map<String, Mapping> COMMON = Map.of(
            "human_name", new Mapping("name", false, Kind.TEXT),
            "name", new Mapping("name", false, Kind.TEXT),
            "archive_processing_typetag", new Mapping("typetag", false, Kind.TEXT),
            "typetag", new Mapping("typetag", false, Kind.TEXT),
            "orgid", new Mapping("orgid", false, Kind.TEXT),
            "timezone", new Mapping("timezone", false, Kind.TEXT),
            "seconds_between_fetches", new Mapping("period", false, Kind.WHOLE_NUMBER),
            "period", new Mapping("period", false, Kind.WHOLE_NUMBER),
            "enabled", new Mapping("enabled", false, Kind.BOOLEAN));

    /** The keys naming the plugin; not written as a key (the plugin is in the file name). */
    static final List<String> PLUGIN_KEYS = List.of("input_plugin_name", "plugin");

    private static final Map<String, Mapping> MISP = Map.of(
            "misp_url", new Mapping("url", false, Kind.TEXT),
            "url", new Mapping("url", false, Kind.TEXT),
            "misp_key", new Mapping("api_key", true, Kind.TEXT),
            "api_key", new Mapping("api_key", true, Kind.TEXT),
            "misp_verifycert", new Mapping("verify_tls", false, Kind.BOOLEAN),
            "orgs", new Mapping("orgs", false, Kind.LIST));

    /** Each plugin's own keys, by today's plugin name. */
    static final Map<String, Map<String, Mapping>> PLUGINS = plugins();

    private static Map<String, Map<String, Mapping>> plugins() {
        Map<String, Map<String, Mapping>> plugins = new LinkedHashMap<>();
        plugins.put("phishtank", Map.of(
                "phishtank_api_key", new Mapping("app_key", true, Kind.TEXT),
                "app_key", new Mapping("app_key", true, Kind.TEXT),
                "url", new Mapping("url", false, Kind.TEXT)));
        plugins.put("openphish", Map.of("url", new Mapping("url", false, Kind.TEXT)));
        plugins.put("misp_api", MISP);
        // the original misp_file read one file (its "directory"); today's input watches that file's folder
        plugins.put("misp_file", Map.of("directory", new Mapping("directory", false, Kind.PARENT_FOLDER)));
        plugins.put("websocket", Map.of("url", new Mapping("url", false, Kind.TEXT)));
        Map<String, Mapping> lookup = new LinkedHashMap<>(MISP);
        lookup.remove("orgs");
        lookup.put("directory", new Mapping("directory", false, Kind.TEXT));
        plugins.put("misp_lookup", Map.copyOf(lookup));
        return Map.copyOf(plugins);
    }

    private OriginalConfig() {
    }

    /** Today's plugin for an original plugin name ({@code misp-api}, {@code MISP_API}, {@code misp_api.py}). */
    static Optional<String> plugin(String original) {
        String name = original.strip().toLowerCase(Locale.ROOT).replace('-', '_');
        if (name.endsWith(".py")) {
            name = name.substring(0, name.length() - 3);
        }
        return PLUGINS.containsKey(name) ? Optional.of(name) : Optional.empty();
    }

    /** The mapping of one original key of an input of this plugin, if there is one. */
    static Optional<Mapping> mapping(String plugin, String key) {
        Mapping common = COMMON.get(key);
        if (common != null) {
            return Optional.of(common);
        }
        return Optional.ofNullable(PLUGINS.getOrDefault(plugin, Map.of()).get(key));
    }

    /**
     * An input name from the original {@code human_name}: letters, digits, {@code _ . -} (others become
     * {@code _}), starting with a letter or digit, at most 64 characters.
     */
    static String inputName(String humanName) {
        String name = humanName.strip().replaceAll("[^A-Za-z0-9_.-]+", "_").replaceAll("^[^A-Za-z0-9]+", "");
        if (name.length() > 64) {
            name = name.substring(0, 64);
        }
        return name;
    }

    /** The environment variable a secret of an input goes to, e.g. {@code CYBEXP_PHISHTANK_COM_APP_KEY}. */
    static String variable(String inputName, String key) {
        String upper = (inputName + "_" + key).toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]+", "_");
        return "CYBEXP_" + upper.replaceAll("^_+|_+$", "");
    }

    /** A JSON value as a .cfg value of this kind, or empty when it cannot be one. */
    static Optional<String> text(Object value, Kind kind) {
        if (value instanceof List<?> list && kind != Kind.LIST) {
            // the data form of later originals holds every value in a one-element list
            return list.size() == 1 ? text(list.get(0), kind) : Optional.empty();
        }
        switch (kind) {
            case WHOLE_NUMBER:
                if (value instanceof Long || (value instanceof Double d && d == Math.rint(d) && d >= 0)) {
                    return Optional.of(Long.toString(((Number) value).longValue()));
                }
                if (value instanceof String s && s.strip().matches("\\d{1,12}")) {
                    return Optional.of(s.strip());
                }
                return Optional.empty();
            case BOOLEAN:
                if (value instanceof Boolean b) {
                    return Optional.of(b.toString());
                }
                if (value instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
                    return Optional.of(s.toLowerCase(Locale.ROOT));
                }
                return Optional.empty();
            case LIST:
                List<String> items = new ArrayList<>();
                for (Object item : value instanceof List<?> list ? list : List.of(value)) {
                    if (!(item instanceof String) && !(item instanceof Number)) {
                        return Optional.empty();
                    }
                    String text = String.valueOf(item).strip();
                    if (text.contains(",")) {
                        return Optional.empty();
                    }
                    items.add(text);
                }
                return Optional.of(String.join(", ", items));
            default:
                return value instanceof String || value instanceof Number
                        ? Optional.of(String.valueOf(value).strip()) : Optional.empty();
        }
    }
}
