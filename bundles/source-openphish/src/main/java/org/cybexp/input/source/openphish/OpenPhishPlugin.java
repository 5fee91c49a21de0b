package org.cybexp.input.source.openphish;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

import org.cybexp.input.api.InputConfig;
import org.cybexp.input.api.InvalidConfigException;
import org.cybexp.input.api.SourceInput;
import org.cybexp.input.api.SourcePlugin;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The OpenPhish source: polls the community feed ({@code feed.txt}, one phishing URL per line) and posts the
 * URLs that are new since the last poll, typetag {@code openphish-file-feed}.
 *
 * <p>Inputs are factory configurations {@code cybexp.source.openphish}; the container's manager opens them
 * through {@link #open(InputConfig)}, so SCR ignores those configurations ({@link ConfigurationPolicy#IGNORE})
 * and the designate only publishes the metatype for the web console.
 */
@Component(service = SourcePlugin.class, configurationPid = OpenPhishPlugin.PID,
        configurationPolicy = ConfigurationPolicy.IGNORE)
@Designate(ocd = OpenPhishPlugin.Config.class, factory = true)
public final class OpenPhishPlugin implements SourcePlugin {

    static final String NAME = "openphish";
    static final String PID = PID_PREFIX + NAME;
    static final String DEFAULT_URL = "https://openphish.com/feed.txt";
    static final String TYPETAG = "openphish-file-feed";

    /** An OpenPhish input's configuration, as the web console shows it. */
    @ObjectClassDefinition(name = "CYBEX-P OpenPhish input",
            description = "Polls an OpenPhish feed.txt and posts the URLs not posted before")
    public @interface Config {

        @AttributeDefinition(description = "Feed URL: http, https or file (for air-gapped use); a token in its "
                + "query is masked in logs and status; user:password@ is refused")
        String url() default DEFAULT_URL;

        @AttributeDefinition(description = "Largest feed read, in bytes; 0 = a sixteenth of the heap. A larger "
                + "feed fails the fetch and nothing of it is posted", min = "0")
        long max__feed__bytes() default 0;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String defaultTypetag() {
        return TYPETAG;
    }

    @Override
    public long defaultPeriodSeconds() {
        return 3600;
    }

    @Override
    public SourceInput open(InputConfig config) throws InvalidConfigException {
        Config typed = config.as(Config.class);
        long maxFeedBytes = typed.max__feed__bytes();
        if (maxFeedBytes < 0) {
            throw new InvalidConfigException("max_feed_bytes", "must be 0 (a share of the heap) or more, got "
                    + maxFeedBytes);
        }
        return new OpenPhishInput(feedUri(typed.url()),
                new FeedParser(maxFeedBytes == 0 ? FeedParser.defaultMaxFeedBytes() : maxFeedBytes));
    }

    /** Parses and checks the url key; the message never repeats the value, which may hold a key. */
    static URI feedUri(String text) throws InvalidConfigException {
        URI uri;
        try {
            uri = new URI(text.strip());
        } catch (URISyntaxException e) {
            throw new InvalidConfigException("url", "is not a valid URL (" + e.getReason() + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getRawUserInfo() != null) {
            // Java's HTTP client refuses such URLs at every fetch; said once, here, without the value
            throw new InvalidConfigException("url", "must not hold credentials (user:password@); the feed needs "
                    + "none, and a private mirror's token may go in the query, which is masked");
        }
        switch (scheme) {
            case "http", "https" -> {
                if (uri.getHost() == null) {
                    throw new InvalidConfigException("url", "has no host");
                }
            }
            case "file" -> {
                if (uri.getPath() == null || uri.getPath().isEmpty()) {
                    throw new InvalidConfigException("url", "has no file path; use e.g. file:///srv/feed.txt");
                }
            }
            default -> throw new InvalidConfigException("url", "must be an http, https or file URL"
                    + (scheme.isEmpty() ? "" : ", not " + scheme));
        }
        return uri;
    }
}
