package org.cybexp.input.runtime;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * {@code cybexp-input import FILE...}: turns the original module's configuration ({@code plugin-config*.json},
 * a JSON list of inputs; {@code api-config.json} with {@code api_srv}, or the older {@code config.json} with
 * {@code api}) into {@code etc/} files. Secrets are written as {@code ${env:NAME}} references and the
 * variables to set are printed, never their values. Nothing is written when an input or the API settings would
 * replace existing ones (unless {@code --force}); every setting that could not be mapped is reported, and the
 * exit code is then 1.
 */
final class ConfigImport {

    /** The CYBEX-P API's {@code /raw} path, appended to an original API URL that has no path. */
    static final String RAW_PATH = "/api/v1.0/raw";
    static final String API_FILE = "cybexp.api.cfg";

    /** One file to write: its name in etc/, what it configures, its lines. */
    private record Planned(String file, String what, String inputName, Map<String, String> values) {
    }

    /** A variable the user must set for the daemon, and where its value was in the original. */
    private record Variable(String name, String origin) {
    }

    private final Path etc;
    private final PrintStream out;
    private final PrintStream err;
    private final List<Planned> planned = new ArrayList<>();
    private final List<Variable> variables = new ArrayList<>();
    private final List<String> leftOut = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    ConfigImport(Path etc, PrintStream out, PrintStream err) {
        this.etc = etc;
        this.out = out;
        this.err = err;
    }

    int run(List<Path> files, boolean force) throws IOException {
        for (Path file : files) {
            Object root;
            try {
                root = Json.parse(Files.readString(file, StandardCharsets.UTF_8));
            } catch (NoSuchFileException e) {
                err.println("cybexp-input: " + file + ": no such file");
                return Cli.ERROR;
            } catch (IllegalArgumentException e) {
                err.println("cybexp-input: " + file + " is not JSON: " + e.getMessage());
                return Cli.ERROR;
            }
            String shown = file.getFileName().toString();
            if (root instanceof List<?> inputs) {
                importInputs(shown, inputs);
            } else if (root instanceof Map<?, ?> map && (map.containsKey("api_srv") || map.containsKey("api"))) {
                importApi(shown, map);
            } else {
                err.println("cybexp-input: " + file + " is neither a plugin configuration (a JSON list of inputs) "
                        + "nor an API configuration (with \"api_srv\" or \"api\")");
                return Cli.ERROR;
            }
        }
        List<String> refusals = refusals(force);
        if (!refusals.isEmpty()) {
            refusals.forEach(r -> err.println("cybexp-input: " + r));
            err.println("cybexp-input: nothing written; run again with --force to replace them");
            return Cli.ERROR;
        }
        write();
        report();
        return leftOut.isEmpty() ? Cli.OK : Cli.ERROR;
    }

    private void importInputs(String file, List<?> inputs) {
        int index = 0;
        for (Object item : inputs) {
            index++;
            String where = file + " input " + index;
            if (!(item instanceof Map<?, ?> raw)) {
                leftOut.add(where + ": not a JSON object (left out)");
                continue;
            }
            Map<String, Object> input = flatten(raw);
            Object pluginName = pluginName(input);
            Optional<String> plugin = pluginName instanceof String s ? OriginalConfig.plugin(s) : Optional.empty();
            if (plugin.isEmpty()) {
                leftOut.add(where + ": plugin " + (pluginName == null ? "(none: no input_plugin_name)"
                        : "'" + pluginName + "'") + " has no counterpart here; the input is left out");
                continue;
            }
            importInput(file, where, plugin.get(), input);
        }
    }

    private static Object pluginName(Map<String, Object> input) {
        for (String key : OriginalConfig.PLUGIN_KEYS) {
            if (input.get(key) != null) {
                return input.get(key);
            }
        }
        return null;
    }

    /** The input's keys; a later original nested them in {@code "data"}. */
    private static Map<String, Object> flatten(Map<?, ?> raw) {
        Map<String, Object> input = new LinkedHashMap<>();
        raw.forEach((k, v) -> input.put(String.valueOf(k), v));
        if (input.get("data") instanceof Map<?, ?> data) {
            input.remove("data");
            // there each value is a one-element list
            data.forEach((k, v) -> input.putIfAbsent(String.valueOf(k),
                    v instanceof List<?> list && list.size() == 1 ? list.get(0) : v));
        }
        return input;
    }

    private void importInput(String file, String where, String plugin, Map<String, Object> input) {
        Object human = input.getOrDefault("human_name", input.get("name"));
        String name = human instanceof String s ? OriginalConfig.inputName(s) : "";
        if (name.isEmpty()) {
            name = plugin + "_" + (planned.size() + 1);
            notes.add(where + ": no usable human_name, named '" + name + "'");
        }
        where = where + " ('" + name + "', " + plugin + ")";
        Map<String, String> values = new LinkedHashMap<>();
        values.put("name", name);
        for (Map.Entry<String, Object> entry : input.entrySet()) {
            String key = entry.getKey();
            if (OriginalConfig.PLUGIN_KEYS.contains(key) || key.equals("human_name") || key.equals("name")) {
                continue;
            }
            Optional<OriginalConfig.Mapping> mapping = OriginalConfig.mapping(plugin, key);
            if (mapping.isEmpty()) {
                leftOut.add(where + ": " + key + " (no such setting for " + plugin + ")");
                continue;
            }
            map(file, where, name, key, entry.getValue(), mapping.get(), values);
        }
        if (!values.containsKey("orgid")) {
            leftOut.add(where + ": no orgid; set it in the written file");
        }
        planned.add(new Planned("cybexp.source." + plugin + "-" + name + ".cfg", "input '" + name + "'", name,
                values));
    }

    private void map(String file, String where, String name, String key, Object value, OriginalConfig.Mapping mapping,
            Map<String, String> values) {
        if (value == null) {
            return;
        }
        Optional<String> text = OriginalConfig.text(value, mapping.kind());
        if (text.isEmpty()) {
            leftOut.add(where + ": " + key + " (a value this setting cannot take)");
            return;
        }
        String result = text.get();
        if (mapping.secret()) {
            if (result.isEmpty()) {
                return;
            }
            String variable = OriginalConfig.variable(name, mapping.key());
            variables.add(new Variable(variable, key + " of '" + name + "' in " + file));
            result = "${env:" + variable + "}";
        } else if (mapping.kind() == OriginalConfig.Kind.PARENT_FOLDER && result.toLowerCase(Locale.ROOT).endsWith(".json")) {
            Path parent = Path.of(result).getParent();
            notes.add(where + ": " + key + " named one file; misp_file watches its folder " + parent
                    + ": put the file there");
            result = parent == null ? "." : parent.toString();
        }
        values.put(mapping.key(), result);
    }

    private void importApi(String file, Map<?, ?> root) {
        boolean current = root.containsKey("api_srv");
        String section = current ? "api_srv" : "api";
        for (Object key : root.keySet()) {
            if (!key.equals("api_srv") && !key.equals("api")) {
                leftOut.add(file + ": section " + key + " (the input module does not use it)");
            }
        }
        if (!(root.get(section) instanceof Map<?, ?> api)) {
            leftOut.add(file + ": " + section + " is not an object");
            return;
        }
        Map<String, String> values = new LinkedHashMap<>();
        Optional<String> url = api.get("url") instanceof String s && !s.isBlank() ? Optional.of(s.strip())
                : assembled(api);
        url.ifPresent(u -> values.put("url", rawEndpoint(file, u)));
        if (api.get("token") instanceof String token && !token.isBlank()) {
            variables.add(new Variable("CYBEXP_API_TOKEN", section + ".token in " + file));
            values.put("token", "${env:CYBEXP_API_TOKEN}");
        }
        for (Object key : api.keySet()) {
            boolean parts = key.equals("host") || key.equals("port") || key.equals("protocol");
            if (!key.equals("url") && !key.equals("token") && !(parts && url.isPresent())) {
                leftOut.add(file + ": " + section + "." + key + " (no such setting of the API)");
            }
        }
        planned.add(new Planned(API_FILE, "the API settings", null, values));
    }

    /** The older form's {@code protocol://host:port} when it has no url. */
    private static Optional<String> assembled(Map<?, ?> api) {
        if (!(api.get("host") instanceof String host) || host.isBlank()) {
            return Optional.empty();
        }
        String protocol = api.get("protocol") instanceof String p && !p.isBlank() ? p.strip() : "https";
        String port = api.get("port") instanceof Number || api.get("port") instanceof String
                ? ":" + OriginalConfig.text(api.get("port"), OriginalConfig.Kind.WHOLE_NUMBER).orElse("") : "";
        return Optional.of(protocol + "://" + host.strip() + (port.equals(":") ? "" : port));
    }

    private String rawEndpoint(String file, String url) {
        String withoutSlash = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        int scheme = withoutSlash.indexOf("://");
        boolean hasPath = scheme >= 0 && withoutSlash.indexOf('/', scheme + 3) >= 0;
        if (hasPath) {
            return url;
        }
        notes.add(file + ": the API url had no path; today's url is the /raw endpoint itself: " + withoutSlash
                + RAW_PATH);
        return withoutSlash + RAW_PATH;
    }

    /** What the import would replace: an existing input of the same name, or API settings already given. */
    private List<String> refusals(boolean force) throws IOException {
        Map<String, Path> existing = existingInputs();
        List<String> refusals = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Planned plan : planned) {
            if (plan.inputName() == null) {
                Path api = etc.resolve(API_FILE);
                if (!force && Files.exists(api) && configured(api)) {
                    refusals.add("etc/" + API_FILE + " already has a url or token");
                }
                continue;
            }
            if (names.contains(plan.inputName())) {
                refusals.add("two inputs of the import are named '" + plan.inputName() + "'");
            }
            names.add(plan.inputName());
            Path old = existing.get(plan.inputName());
            if (old == null && Files.exists(etc.resolve(plan.file()))) {
                old = etc.resolve(plan.file());
            }
            if (old != null && !force) {
                refusals.add("input '" + plan.inputName() + "' exists already (etc/" + old.getFileName() + ")");
            }
        }
        return refusals;
    }

    /** The inputs in etc/ by name: their {@code name} key, else the file's instance name. */
    private Map<String, Path> existingInputs() throws IOException {
        Map<String, Path> inputs = new LinkedHashMap<>();
        if (!Files.isDirectory(etc)) {
            return inputs;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(etc, "cybexp.source.*-*.cfg")) {
            for (Path file : files) {
                String fileName = file.getFileName().toString();
                String instance = fileName.substring(fileName.indexOf('-') + 1, fileName.length() - 4);
                String name = properties(file).getProperty("name", instance).strip();
                inputs.put(name.isEmpty() ? instance : name, file);
            }
        }
        return inputs;
    }

    private static boolean configured(Path apiFile) throws IOException {
        Properties properties = properties(apiFile);
        return !properties.getProperty("url", "").isBlank() || !properties.getProperty("token", "").isBlank();
    }

    private static Properties properties(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        return properties;
    }

    private void write() throws IOException {
        Files.createDirectories(etc);
        Map<String, Path> existing = existingInputs();
        for (Planned plan : planned) {
            Path target = etc.resolve(plan.file());
            Path old = plan.inputName() == null ? null : existing.get(plan.inputName());
            StringBuilder text = new StringBuilder("# imported by cybexp-input import from the original "
                    + "configuration\n");
            plan.values().forEach((key, value) -> text.append(key).append(" = ").append(escape(value))
                    .append('\n'));
            // written beside, then moved: FileInstall never reads half a file
            Path temporary = etc.resolve("." + plan.file() + ".tmp");
            Files.writeString(temporary, text, StandardCharsets.UTF_8);
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            if (old != null && !old.equals(target)) {
                Files.deleteIfExists(old); // --force: the input of that name now lives in the new file
            }
            out.println("wrote etc/" + plan.file() + " (" + plan.what() + ")");
        }
    }

    /** A .properties value: backslashes doubled, a leading space kept, line breaks escaped. */
    static String escape(String value) {
        String escaped = value.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r");
        return escaped.startsWith(" ") ? "\\" + escaped : escaped;
    }

    private void report() {
        notes.forEach(note -> out.println("note: " + note));
        if (!variables.isEmpty()) {
            out.println("Set these environment variables for the daemon (the secrets stay out of etc/):");
            variables.forEach(v -> out.println("  " + v.name() + "   (" + v.origin() + ")"));
        }
        if (!leftOut.isEmpty()) {
            err.println("cybexp-input: not imported (" + leftOut.size() + "):");
            leftOut.forEach(line -> err.println("  " + line));
        }
    }
}
