package org.cybexp.input.source.mispapi;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import org.cybexp.input.api.InputConfig;
import org.cybexp.input.api.InvalidConfigException;
import org.cybexp.input.api.Secret;
import org.cybexp.input.api.SourceInput;
import org.cybexp.input.api.SourcePlugin;
import org.cybexp.input.source.misp.MispEventStream;
import org.cybexp.input.source.misp.MispServer;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * The MISP API source: polls a MISP server's {@code /events/restSearch} incrementally and posts each new or
 * changed event as its {@code {"Event": {...}}} JSON, typetag {@code misp-api}.
 *
 * <p>Inputs are factory configurations {@code cybexp.source.misp_api}; the container's manager opens them
 * through {@link #open(InputConfig)}, so SCR ignores those configurations ({@link ConfigurationPolicy#IGNORE})
 * and the designate only publishes the metatype for the web console.
 */
@Component(service = SourcePlugin.class, configurationPid = MispApiPlugin.PID,
        configurationPolicy = ConfigurationPolicy.IGNORE)
@Designate(ocd = MispApiPlugin.Config.class, factory = true)
public final class MispApiPlugin implements SourcePlugin {

    static final String NAME = "misp_api";
    static final String PID = PID_PREFIX + NAME;
    static final String TYPETAG = "misp-api";
    static final long DEFAULT_PERIOD = 900;
    static final int MAX_LIMIT = 5000;
    /** Keys of a client certificate: refused until the container's HTTP client can present one. */
    /** A PEM key beside a PEM certificate (MISP's PyMISP style) is not read: the core takes one PKCS#12 file. */
    /**
     * A MISP API input's configuration, as the web console shows it. Metatype turns {@code __} in a name into
     * {@code _} (a single {@code _} would become {@code .}), hence {@code api__key} for the key {@code api_key}.
     * Only the plugin's own keys: the common ones (name, orgid, period, verify_tls, ...) are the container's.
     */
    @ObjectClassDefinition(name = "CYBEX-P MISP API input",
            description = "Polls a MISP server's /events/restSearch and posts each new or changed event")
    public @interface Config {

        @AttributeDefinition(description = "Base URL of the MISP server, e.g. https://misp.example.org")
        String url();

        @AttributeDefinition(type = AttributeType.PASSWORD, description = "MISP API key (sent as the raw "
                + "Authorization header); may be ${env:NAME} or ${file:/path}")
        String api__key();

        @AttributeDefinition(description = "Creator organisations (name, id or uuid) to query, one query each; "
                + "empty for all", required = false, cardinality = 100)
        String[] orgs() default {};

        @AttributeDefinition(description = "Only published, only unpublished, or any events", options = {
            @Option(label = "any", value = "any"), @Option(label = "published only", value = "true"),
            @Option(label = "unpublished only", value = "false")})
        String published() default "any";

        @AttributeDefinition(description = "MISP tags the events must carry (a leading ! excludes a tag)",
                required = false, cardinality = 100)
        String[] tags() default {};

        @AttributeDefinition(description = "Events per restSearch page", min = "1", max = "" + MAX_LIMIT)
        int limit() default 100;

        @AttributeDefinition(description = "How far back the first poll goes: e.g. 30d, 12h, 90m, 3600 "
                + "(seconds), or all")
        String initial__lookback() default "30d";

        @AttributeDefinition(description = "Largest event posted, in bytes; 0 = a sixteenth of the heap. A larger "
                + "event is skipped (counted as malformed, logged) and the cursor moves past it", min = "0",
                max = "2147483583")
        long max__event__bytes() default 0;
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
        if (typed.url().isBlank()) {
            throw new InvalidConfigException("url", "is required");
        }
        URI endpoint = restSearchUri(typed.url());
        Secret key = MispServer.apiKey(Secret.of(typed.api__key()), config.enabled());
        // limit's bounds (1..MAX_LIMIT) are the metatype's, enforced by the container before open
        Lookback lookback = Lookback.parse(typed.initial__lookback());
        RestSearchQuery query = new RestSearchQuery(typed.limit(), publishedFilter(typed.published()),
                values("tags", typed.tags()));
        return new MispApiInput(endpoint, key, orgs(typed.orgs()), query, lookback,
                maxEventBytes(typed.max__event__bytes()));
    }

    private static long maxEventBytes(long configured) throws InvalidConfigException {
        if (configured < 0 || configured > MispEventStream.MAX_EVENT_BYTES_LIMIT) {
            throw new InvalidConfigException("max_event_bytes", "must be between 0 (a share of the heap) and "
                    + MispEventStream.MAX_EVENT_BYTES_LIMIT + ", got " + configured);
        }
        return configured == 0 ? MispEventStream.defaultMaxEventBytes() : configured;
    }

    /** The restSearch endpoint under the configured base URL; the message never repeats the URL. */
    static URI restSearchUri(String text) throws InvalidConfigException {
        return MispServer.endpoint(text, "/events/restSearch");
    }

    /** any, true or false: the metatype's options, checked by the container (any case). */
    private static Optional<Boolean> publishedFilter(String published) throws InvalidConfigException {
        String value = published.strip().toLowerCase(Locale.ROOT);
        if (value.equals("any")) {
            return Optional.empty();
        }
        return Optional.of(InputConfig.parseBoolean("published", value));
    }

    /** The orgs to query, duplicates dropped; one empty entry stands for "all organisations". */
    private static List<String> orgs(String[] configured) throws InvalidConfigException {
        List<String> orgs = values("orgs", configured);
        List<String> queries = new ArrayList<>(orgs);
        if (queries.isEmpty()) {
            queries.add("");
        }
        return queries;
    }

    private static List<String> values(String key, String[] configured) throws InvalidConfigException {
        Set<String> values = new LinkedHashSet<>();
        for (String value : configured == null ? new String[0] : configured) {
            String trimmed = value == null ? "" : value.strip();
            if (trimmed.chars().anyMatch(Character::isISOControl)) {
                throw new InvalidConfigException(key, "holds a value with control characters");
            }
            if (!trimmed.isEmpty()) {
                values.add(trimmed);
            }
        }
        return List.copyOf(values);
    }
}
