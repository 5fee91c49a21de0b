package org.cybexp.input.delivery;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;

import org.cybexp.input.api.Secret;
import org.cybexp.input.delivery.sink.ApiEndpoint;
import org.cybexp.input.delivery.sink.ApiSink;
import org.cybexp.input.delivery.sink.ArchiveSink;
import org.cybexp.input.delivery.sink.Sink;
import org.cybexp.input.delivery.sink.UnavailableSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the sink the settings ask for. An unusable API configuration gives a sink that fails every delivery as
 * transient: events wait in the outbox, never go to the archive or the dead letters by mistake.
 */
final class SinkFactory {

    private static final Logger LOG = LoggerFactory.getLogger(SinkFactory.class);

    private final Path dataDir;
    private final Clock clock;
    private final SecretResolver secrets;

    SinkFactory(Path dataDir, Clock clock, SecretResolver secrets) {
        this.dataDir = dataDir;
        this.clock = clock;
        this.secrets = secrets;
    }

    /** @param inputs how many inputs deliver through it, for the default pool size */
    Sink create(SinkSettings settings, int inputs) {
        if (settings.url().isEmpty()) {
            Path archive = dataDir.resolve("archive");
            LOG.info("cybexp.api has no url: events are kept in the local archive {}", archive);
            return new ArchiveSink(archive, clock);
        }
        try {
            ApiSink sink = ApiSink.create(endpoint(settings, inputs), clock);
            LOG.info("delivering to the CYBEX-P API {}", settings.url());
            return sink;
        } catch (InvalidSinkConfigException e) {
            return unavailable(e.getMessage());
        } catch (IOException | GeneralSecurityException e) {
            return unavailable("ca_file " + settings.caFile() + " unusable: " + e.getMessage());
        }
    }

    private ApiEndpoint endpoint(SinkSettings settings, int inputs) throws InvalidSinkConfigException {
        Secret token = secrets.resolve("token", settings.token());
        if (token.isEmpty()) {
            throw new InvalidSinkConfigException("token is empty");
        }
        Path caFile = settings.caFile().isEmpty() ? null : Path.of(settings.caFile());
        // The url may be a reference too; a message about it shows what was configured, never what it resolved to.
        URI url = url(secrets.resolve("url", settings.url()).reveal(), settings.url());
        return new ApiEndpoint(url, token, settings.timeout(), settings.connectionsFor(inputs),
                settings.verifyTls(), caFile);
    }

    private static URI url(String text, String configured) throws InvalidSinkConfigException {
        try {
            URI url = new URI(text);
            if (!"http".equalsIgnoreCase(url.getScheme()) && !"https".equalsIgnoreCase(url.getScheme())
                    || url.getHost() == null) {
                throw new InvalidSinkConfigException("url must be an http(s) URL with a host, got " + configured);
            }
            return url;
        } catch (URISyntaxException e) {
            throw new InvalidSinkConfigException("url is not a URL: " + configured);
        }
    }

    private static Sink unavailable(String reason) {
        LOG.error("cybexp.api: {}; events wait in the outbox until the configuration is fixed", reason);
        return new UnavailableSink("cybexp.api: " + reason);
    }
}
