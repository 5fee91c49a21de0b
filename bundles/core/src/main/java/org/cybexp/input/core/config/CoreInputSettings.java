package org.cybexp.input.core.config;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

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
        CommonKeys keys = config.as(CommonKeys.class);
        return new CoreInputSettings(
                Duration.ofSeconds(keys.min__interval()),
                Duration.ofSeconds(keys.fetch__timeout()),
                (int) Math.min(Integer.MAX_VALUE, keys.dedup__ttl__days()),
                new InputHttpSettings(
                        new HttpClientSettings(keys.verify__tls(), caFile(keys.ca__file()), proxy(keys.proxy()),
                                clientCert(keys.client__cert(), keys.client__cert__password()), keys.client__cert__password()),
                        keys.user__agent(),
                        Duration.ofSeconds(keys.http__timeout())),
                ServerTlsSettings.of(config));
    }

    /** The settings of a configuration known to be valid; the metatype's defaults where it is not. */
    public static CoreInputSettings orDefaults(InputConfig config) {
        try {
            return of(config);
        } catch (InvalidConfigException e) {
            try {
                return of(new InputConfig(config.plugin(), config.name(), config.orgid(), config.typetag(),
                        config.timezone(), config.period(), config.enabled(), Map.of()));
            } catch (InvalidConfigException impossible) {
                throw new IllegalStateException("the defaults of " + CommonKeys.ID + " are invalid", impossible);
            }
        }
    }

    private static String caFile(String path) throws InvalidConfigException {
        if (!path.isEmpty() && !Files.isReadable(Path.of(path))) {
            throw new InvalidConfigException("ca_file", InputConfig.quote(path) + " is not a readable PEM file");
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

    private static String clientCert(String path, String password) throws InvalidConfigException {
        if (!path.isEmpty() && !Files.isReadable(Path.of(path))) {
            throw new InvalidConfigException("client_cert", InputConfig.quote(path) + " is not a readable PKCS#12 file");
        }
        if (!path.isEmpty()) {
            try {
                ClientTls.clientKey(Path.of(path), password);
            } catch (IOException e) {
                throw new InvalidConfigException("client_cert", InputConfig.quote(path) + " is not a PKCS#12 file that"
                        + " client_cert_password opens");
            }
        }
        return path;
    }

    private static String proxy(String proxy) throws InvalidConfigException {
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
