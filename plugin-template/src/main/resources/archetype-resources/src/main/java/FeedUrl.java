package ${package};

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

import org.cybexp.input.api.InvalidConfigException;

/** Checks a URL key: http, https or file. Messages name the key but never repeat the value (it may hold a key). */
final class FeedUrl {

    private FeedUrl() {
    }

    static URI parse(String key, String text) throws InvalidConfigException {
        if (text == null || text.isBlank()) {
            throw new InvalidConfigException(key, "is required");
        }
        URI uri;
        try {
            uri = new URI(text.strip());
        } catch (URISyntaxException e) {
            throw new InvalidConfigException(key, "is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean valid = switch (scheme) {
            case "http", "https" -> uri.getHost() != null;
            case "file" -> uri.getPath() != null && !uri.getPath().isEmpty();
            default -> false;
        };
        if (!valid) {
            throw new InvalidConfigException(key, "must be an http, https or file URL with a host or path");
        }
        return uri;
    }
}
