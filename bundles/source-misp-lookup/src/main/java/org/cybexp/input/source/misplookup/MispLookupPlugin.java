package org.cybexp.input.source.misplookup;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

import org.cybexp.input.api.InputConfig;
import org.cybexp.input.api.InvalidConfigException;
import org.cybexp.input.api.Secret;
import org.cybexp.input.api.SourceInput;
import org.cybexp.input.api.SourcePlugin;
import org.cybexp.input.source.misp.DirectoryRule;
import org.cybexp.input.source.misp.MispServer;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The MISP lookup source: asks a MISP server ({@code /attributes/restSearch}) about each attribute value of the
 * files dropped into a folder, and posts the events that match, as {@code misp_api} posts events (typetag
 * {@code misp-api}), with the looked-up value in the posted file.
 *
 * <p>Its own plugin rather than a mode of {@code misp_api}: a feed input polls with a cursor, this one works
 * through files with a position in each; they share the MISP keys ({@code url}, {@code api_key},
 * {@code limit}, the container's TLS and client-certificate keys) and the package of {@code bundles/misp-common}.
 */
@Component(service = SourcePlugin.class, configurationPid = MispLookupPlugin.PID,
        configurationPolicy = ConfigurationPolicy.IGNORE)
@Designate(ocd = MispLookupPlugin.Config.class, factory = true)
public final class MispLookupPlugin implements SourcePlugin {

    static final String NAME = "misp_lookup";
    static final String PID = PID_PREFIX + NAME;
    static final String TYPETAG = "misp-api";
    static final long DEFAULT_PERIOD = 60;
    static final String HOME_PROPERTY = "cybexp.home";
    static final String ENDPOINT = "/attributes/restSearch";

    /**
     * A lookup input's configuration, as the web console shows it ({@code __} in a name is a {@code _} in the
     * key). The MISP keys are misp_api's; the common keys (name, orgid, period, verify_tls, ...) are the
     * container's.
     */
    @ObjectClassDefinition(name = "CYBEX-P MISP lookup input",
            description = "Looks up the attribute values of files dropped into a folder in MISP and posts the "
                    + "matching events")
    public @interface Config {

        @AttributeDefinition(description = "Base URL of the MISP server, e.g. https://misp.example.org")
        String url();

        @AttributeDefinition(type = AttributeType.PASSWORD, description = "MISP API key (sent as the raw "
                + "Authorization header); may be ${env:NAME} or ${file:/path}")
        String api__key();

        @AttributeDefinition(description = "The drop folder; relative paths are resolved against the "
                + "installation folder. processed/ and failed/ are created inside it")
        String directory();

        @AttributeDefinition(description = "Seconds a file must be left unchanged before it is read", min = "0")
        long min__age() default 10;

        @AttributeDefinition(description = "Column of the value in .csv files: a header name or a 1-based "
                + "number (a 'type' column is used when present)")
        String csv__column() default "value";

        @AttributeDefinition(description = "Largest file read, in bytes", min = "1", max = "1073741824")
        long max__file__bytes() default 67108864;

        @AttributeDefinition(description = "Attributes per restSearch page", min = "1", max = "5000")
        int limit() default 100;

        @AttributeDefinition(description = "Pages asked per value at most", min = "1", max = "1000")
        int max__pages() default 10;

        @AttributeDefinition(description = "Values asked of MISP at once by this input", min = "1", max = "32")
        int max__concurrent() default 4;

        @AttributeDefinition(description = "Values answered between two checkpoints (their events stored with the "
                + "position in the file): a crash asks at most this many again, never posting twice", min = "1",
                max = "10000")
        int checkpoint__every() default 20;

        @AttributeDefinition(description = "Requests per second to MISP at most, for this input; 0 = no limit",
                min = "0", max = "1000")
        int max__requests__per__second() default 10;

        @AttributeDefinition(description = "Seconds a value's answer is remembered: the same value within that "
                + "time does not ask MISP again; 0 = no cache", min = "0")
        long cache__seconds() default 3600;

        @AttributeDefinition(description = "Values remembered at most (the oldest go first)", min = "1",
                max = "10000000")
        int cache__max__values() default 100000;
    }

    private final String home;

    /** Without a framework (tests, tools): the home is the system property, if set. */
    public MispLookupPlugin() {
        this(System.getProperty(HOME_PROPERTY, ""));
    }

    @Activate
    public MispLookupPlugin(BundleContext context) {
        this(context.getProperty(HOME_PROPERTY));
    }

    MispLookupPlugin(String home) {
        this.home = home == null ? "" : home.strip();
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
        return DEFAULT_PERIOD;
    }

    @Override
    public SourceInput open(InputConfig config) throws InvalidConfigException {
        MispServer.refuseClientKey(config);
        Config typed = config.as(Config.class);
        if (typed.url() == null || typed.url().isBlank()) {
            throw new InvalidConfigException("url", "is required");
        }
        if (typed.directory() == null || typed.directory().isBlank()) {
            throw new InvalidConfigException("directory", "is required");
        }
        Path directory = DirectoryRule.resolve(typed.directory(), home);
        Secret key = MispServer.apiKey(Secret.of(typed.api__key() == null ? "" : typed.api__key()), config.enabled());
        if (typed.csv__column().isBlank()) {
            throw new InvalidConfigException("csv_column", "must name a column or give its number");
        }
        // the bounds of the numbers are the metatype's, enforced by the container before open
        AttributeSearch search = new AttributeSearch(endpoint(typed.url()), key, typed.limit(), typed.max__pages(),
                64L << 20, new RequestPacer(typed.max__requests__per__second()));
        LookupCache cache = new LookupCache(Duration.ofSeconds(typed.cache__seconds()), typed.cache__max__values());
        return new MispLookupInput(config.name(), directory, Duration.ofSeconds(typed.min__age()),
                typed.max__file__bytes(), typed.csv__column(), typed.max__concurrent(), typed.checkpoint__every(),
                search, cache);
    }

    /** {@code <base>/attributes/restSearch}; a URL already ending in a restSearch path keeps its base. */
    static URI endpoint(String text) throws InvalidConfigException {
        return MispServer.endpoint(text, ENDPOINT);
    }
}
