package org.cybexp.input.core.config;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.cybexp.input.api.InputConfig;
import org.cybexp.input.api.InvalidConfigException;
import org.cybexp.input.core.http.ClientTls;
import org.cybexp.input.core.http.HttpClientSettings;
import org.cybexp.input.core.http.InputHttpSettings;
import org.cybexp.input.core.network.ServerTlsSettings;
import org.cybexp.input.core.tls.PemTrust;

/**
 * The keys of an input that the core itself uses (rate limit, timeouts, dedup retention, HTTP client), read
 * and checked once so that a bad value is refused with the configuration instead of failing every fetch.
 *
 * @param minInterval the rate limit: no two fetch starts closer than this
 * @param fetchTimeout how long a polling fetch may run before it is interrupted
 * @param dedupTtlDays how many days a dedup key is kept after it was last seen
 * @param http the input's HTTP client settings, User-Agent and timeout
 * @param tls the input's server TLS settings, for listeners
 */
public record CoreInputSettings(Duration minInterval, Duration fetchTimeout, int dedupTtlDays,
        InputHttpSettings http, ServerTlsSettings tls) {

    public static final String DEFAULT_USER_AGENT = "cybexp-input/0.1 (+https://github.com/CYBEX-P)";

    /** @throws InvalidConfigException naming the first bad key */
    public static CoreInputSettings of(InputConfig config) throws InvalidConfigException {
        return new CoreInputSettings(
                Duration.ofSeconds(seconds(config, "min_interval", 60, 0)),
                Duration.ofSeconds(seconds(config, "fetch_timeout", 3600, 1)),
                (int) Math.min(Integer.MAX_VALUE, seconds(config, "dedup_ttl_days", 180, 1)),
                new InputHttpSettings(
                        new HttpClientSettings(config.getBoolean("verify_tls", true), caFile(config), proxy(config),
                                clientCert(config), config.getString("client_cert_password", "")),
                        config.getString("user_agent", DEFAULT_USER_AGENT),
                        Duration.ofSeconds(seconds(config, "http_timeout", 60, 1))),
                ServerTlsSettings.of(config));
    }

    /** The settings of a configuration known to be valid; defaults where it is not. */
    public static CoreInputSettings orDefaults(InputConfig config) {
        try {
            return of(config);
        } catch (InvalidConfigException e) {
            return new CoreInputSettings(Duration.ofSeconds(60), Duration.ofHours(1), 180, new InputHttpSettings(
                    HttpClientSettings.DEFAULT, DEFAULT_USER_AGENT, Duration.ofSeconds(60)), ServerTlsSettings.NONE);
        }
    }

    private static long seconds(InputConfig config, String key, long defaultValue, long min)
            throws InvalidConfigException {
        long value = config.getLong(key, defaultValue);
        if (value < min) {
            throw new InvalidConfigException(key, "must be at least " + min + ", got " + value);
        }
        return value;
    }

    private static String caFile(InputConfig config) throws InvalidConfigException {
        String path = config.getString("ca_file", "");
        if (!path.isEmpty() && !Files.isReadable(Path.of(path))) {
            throw new InvalidConfigException("ca_file", "'" + path + "' is not a readable PEM file");
        }
        if (!path.isEmpty()) {
            try {
                PemTrust.certificates(Path.of(path));
            } catch (IOException e) {
                throw new InvalidConfigException("ca_file", e.getMessage());
            }
        }
        return path;
    }

    private static String clientCert(InputConfig config) throws InvalidConfigException {
        String path = config.getString("client_cert", "");
        if (!path.isEmpty() && !Files.isReadable(Path.of(path))) {
            throw new InvalidConfigException("client_cert", "'" + path + "' is not a readable PKCS#12 file");
        }
        if (!path.isEmpty()) {
            try {
                ClientTls.clientKey(Path.of(path), config.getString("client_cert_password", ""));
            } catch (IOException e) {
                throw new InvalidConfigException("client_cert", "'" + path + "' is not a PKCS#12 file that"
                        + " client_cert_password opens");
            }
        }
        return path;
    }

    private static String proxy(InputConfig config) throws InvalidConfigException {
        String proxy = config.getString("proxy", "");
        if (proxy.isEmpty()) {
            return proxy;
        }
        try {
            URI uri = new URI(proxy);
            if ("http".equalsIgnoreCase(uri.getScheme()) && uri.getHost() != null && uri.getPort() > 0
                    && uri.getUserInfo() == null) {
                return proxy;
            }
        } catch (URISyntaxException e) {
            // falls through to the error below
        }
        throw new InvalidConfigException("proxy", "must look like http://host:port");
    }
}
