package org.cybexp.input.source.upload;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.cybexp.input.api.InputConfig;
import org.cybexp.input.api.InvalidConfigException;

/**
 * An upload input's checked settings.
 *
 * @param path where the endpoint is served, {@code /upload}: no trailing slash
 * @param keysFile the uploaders' file, absolute
 * @param maxBytes the largest file accepted
 * @param handoff typetag to the folder its files are written into instead of the outbox
 * @param idempotency how long the same upload gets the first receipt again
 * @param allowedOrgids the input's {@code allowed_orgids} ({@code *}: any), its own orgid included
 * @param allowedTypetags the input's {@code allowed_typetags} ({@code *}: any), its own typetag included
 */
record UploadSettings(String input, String path, Path keysFile, long maxBytes, Map<String, Path> handoff,
        Duration idempotency, Set<String> allowedOrgids, Set<String> allowedTypetags) {

    private static final Pattern PATH = Pattern.compile("(/[A-Za-z0-9._~-]+)+");
    private static final Pattern TYPETAG = Pattern.compile("[A-Za-z0-9._-]+");

    static UploadSettings of(InputConfig config, Path home) throws InvalidConfigException {
        UploadPlugin.Config typed = config.as(UploadPlugin.Config.class);
        String path = typed.path().strip();
        while (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        if (!PATH.matcher(path).matches()) {
            throw new InvalidConfigException("path", "must be a path such as /upload (letters, digits, . _ ~ -), got "
                    + InputConfig.quote(typed.path()));
        }
        if (path.equals("/system") || path.startsWith("/system/") || path.equals("/metrics")) {
            throw new InvalidConfigException("path", "must not be " + path + ": the web console and /metrics live there");
        }
        if (typed.max__bytes() < 1) {
            throw new InvalidConfigException("max_bytes", "must be at least 1, got " + typed.max__bytes());
        }
        if (typed.idempotency__seconds() < 0) {
            throw new InvalidConfigException("idempotency_seconds", "must not be negative");
        }
        Path keys = home.resolve(typed.keys__file().strip()).toAbsolutePath().normalize();
        Set<String> orgids = list(config, "allowed_orgids", config.orgid());
        Set<String> typetags = list(config, "allowed_typetags", config.typetag());
        return new UploadSettings(config.name(), path, keys, typed.max__bytes(),
                handoff(typed.handoff__folders(), home), Duration.ofSeconds(typed.idempotency__seconds()), orgids,
                typetags);
    }

    /** {@code misp-lookup:data/misp-lookup, x:/abs}: typetag to folder, relative folders under the home. */
    static Map<String, Path> handoff(String text, Path home) throws InvalidConfigException {
        Map<String, Path> out = new LinkedHashMap<>();
        for (String pair : text.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            int colon = pair.indexOf(':');
            String typetag = colon < 0 ? "" : pair.substring(0, colon).strip();
            String folder = colon < 0 ? "" : pair.substring(colon + 1).strip();
            if (!TYPETAG.matcher(typetag).matches() || folder.isEmpty()) {
                throw new InvalidConfigException("handoff_folders",
                        "takes typetag:folder pairs separated by commas, got " + InputConfig.quote(pair.strip()));
            }
            if (out.put(typetag, home.resolve(folder).toAbsolutePath().normalize()) != null) {
                throw new InvalidConfigException("handoff_folders", "names typetag " + typetag + " twice");
            }
        }
        return Map.copyOf(out);
    }

    private static Set<String> list(InputConfig config, String key, String own) {
        Set<String> values = config.get(key).map(text -> Arrays.stream(text.split(",")).map(String::strip)
                .filter(s -> !s.isEmpty()).collect(Collectors.toSet())).orElse(new java.util.HashSet<>());
        if (own != null && !own.isBlank()) {
            values.add(own.strip());
        }
        return Set.copyOf(values);
    }

    boolean orgidAllowed(String orgid) {
        return allowedOrgids.contains("*") || allowedOrgids.contains(orgid);
    }

    /** A handoff typetag is allowed by naming it there; the outbox's by the input's own rule. */
    boolean typetagAllowed(String typetag) {
        return handoff.containsKey(typetag) || allowedTypetags.contains("*") || allowedTypetags.contains(typetag);
    }

    /** An input name as a folder name: the name's safe characters, so no name escapes data/upload/. */
    static String folderName(String input) {
        return input.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
