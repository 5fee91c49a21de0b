package org.cybexp.input.source.misp;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

import org.cybexp.input.api.InputConfig;
import org.cybexp.input.api.InvalidConfigException;
import org.cybexp.input.api.Secret;

/** The {@code url} and {@code api_key} keys every MISP input shares, checked one way. */
public final class MispServer {

    /** The endpoints a user may have pasted into {@code url}; each is cut back to the server's base. */
    private static final String[] KNOWN_ENDPOINTS = {"/events/restSearch", "/attributes/restSearch"};

    private MispServer() {
    }

    /**
     * @param url the {@code url} key: the server's base URL, or one of its restSearch URLs
     * @param endpoint the path to call on it, such as {@code /events/restSearch}
     * @return {@code <base><endpoint>}
     */
    public static URI endpoint(String url, String endpoint) throws InvalidConfigException {
        URI base;
        try {
            base = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new InvalidConfigException("url", "is not a valid URL (" + e.getReason() + ")");
        }
        String scheme = base.getScheme() == null ? "" : base.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new InvalidConfigException("url", "must be an http or https URL");
        }
        if (base.getHost() == null) {
            throw new InvalidConfigException("url", "has no host");
        }
        if (base.getRawUserInfo() != null) {
            throw new InvalidConfigException("url", "must not hold credentials; give the key in api_key");
        }
        if (base.getRawQuery() != null || base.getRawFragment() != null) {
            throw new InvalidConfigException("url", "must be the server's base URL, without ? or #");
        }
        String path = base.getRawPath() == null ? "" : base.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        for (String known : KNOWN_ENDPOINTS) {
            if (path.endsWith(known)) {
                path = path.substring(0, path.length() - known.length());
            }
        }
        return URI.create(scheme + "://" + base.getRawAuthority() + path + endpoint);
    }

    /**
     * The first wave's {@code client_key} (a PEM key beside a PEM certificate) has no place here: the container's
     * {@code client_cert} takes both as one PKCS#12 file, and this says how to make it.
     */
    public static void refuseClientKey(InputConfig config) throws InvalidConfigException {
        if (config.get("client_key").isPresent()) {
            throw new InvalidConfigException("client_key", "give the client key and certificate as one PKCS#12 "
                    + "file in client_cert (with client_cert_password), e.g. made by 'openssl pkcs12 -export -in "
                    + "client.pem -inkey client.key -out client.p12'");
        }
    }

    /**
     * The key, required only for an enabled input so that a shipped, disabled example configuration can leave
     * it empty. A key with whitespace inside would be sent as a broken header: refused without repeating it.
     */
    public static Secret apiKey(Secret key, boolean enabled) throws InvalidConfigException {
        if (key.isEmpty() && enabled) {
            throw new InvalidConfigException("api_key", "is required");
        }
        if (key.reveal().chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            throw new InvalidConfigException("api_key", "must be one word without spaces or line breaks");
        }
        return key;
    }
}
