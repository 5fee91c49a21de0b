package org.cybexp.input.source.http;

import static org.cybexp.input.api.SourcePlugin.PID_PREFIX;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.cybexp.input.api.InputConfig;
import org.cybexp.input.api.InvalidConfigException;
import org.cybexp.input.api.SourceInput;
import org.cybexp.input.api.SourcePlugin;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * The generic HTTP API source: calls a JSON, NDJSON or CSV API page by page, with a lower time bound that
 * follows the stored records, and posts each new or changed record as one JSON file. No typetag fits every API,
 * so {@code typetag} is required.
 *
 * <p>Inputs are factory configurations {@code cybexp.source.http}; the container opens them through
 * {@link #open(InputConfig)}, so SCR ignores those configurations and the designate only publishes the metatype.
 */
@Component(service = SourcePlugin.class, configurationPid = HttpPlugin.PID,
        configurationPolicy = ConfigurationPolicy.IGNORE)
@Designate(ocd = HttpPlugin.Config.class, factory = true)
public final class HttpPlugin implements SourcePlugin {

    static final String NAME = "http";
    static final String PID = PID_PREFIX + NAME;
    static final String HEADER_PREFIX = "header.";
    static final String QUERY_PREFIX = "query.";

    /**
     * An HTTP input's own keys. {@code header_()} and {@code query_()} declare the key families
     * {@code header.<Name>} and {@code query.<name>} (an id ending in '.' is a family for the container's check).
     */
    @ObjectClassDefinition(name = "CYBEX-P HTTP API input",
            description = "Calls an HTTP API page by page and posts each new or changed record")
    public @interface Config {

        @AttributeDefinition(description = "The API's URL (http, https or file), e.g. "
                + "https://otx.alienvault.com/api/v1/pulses/subscribed")
        String url();

        @AttributeDefinition(options = {@Option(label = "GET", value = "GET"), @Option(label = "POST", value = "POST")})
        String method() default "GET";

        @AttributeDefinition(required = false, description = "header.<Name> = value, one key per request header, "
                + "e.g. header.X-OTX-API-KEY = ${env:OTX_KEY}")
        String header_() default "";

        @AttributeDefinition(required = false, description = "query.<name> = value, one key per query parameter")
        String query_() default "";

        @AttributeDefinition(required = false, description = "POST: a JSON object; since and paging parameters "
                + "are added as its top-level fields")
        String body() default "";

        @AttributeDefinition(options = {@Option(label = "JSON", value = "json"),
            @Option(label = "NDJSON (one record per line)", value = "ndjson"),
            @Option(label = "CSV with a header row", value = "csv")}, description = "Body format; gzip is detected")
        String format() default "json";

        @AttributeDefinition(required = false, description = "JSON pointer to the array of records, e.g. /results; "
                + "/ for a body that is the array; empty: the whole body is one record")
        String records() default "";

        @AttributeDefinition(required = false, description = "How the API says it has no records when records then "
                + "points at no array: a JSON pointer and its value, e.g. /query_status=no_result (ThreatFox); such an "
                + "answer is an empty page, not an error")
        String no__records__when() default "";

        @AttributeDefinition(required = false, description = "JSON pointer to a record's id, the dedup key, e.g. "
                + "/id; empty: the record's content is its key")
        String record__id() default "";

        @AttributeDefinition(required = false, description = "JSON pointer to a record's version, e.g. "
                + "/modified: a changed record is posted again")
        String record__version() default "";

        @AttributeDefinition(options = {@Option(label = "none", value = "none"), @Option(label = "bearer", value = "bearer"),
            @Option(label = "API key in a header", value = "apikey"), @Option(label = "basic", value = "basic"),
            @Option(label = "OAuth2 client credentials", value = "oauth2")})
        String auth() default "none";

        @AttributeDefinition(type = AttributeType.PASSWORD, required = false, description = "auth = bearer or "
                + "apikey; may be ${env:NAME} or ${file:/path}")
        String token() default "";

        @AttributeDefinition(description = "auth = apikey: the header that carries the token as it is, e.g. "
                + "Authorization (MISP), X-OTX-API-KEY (OTX), Auth-Key (abuse.ch)")
        String token__header() default "Authorization";

        @AttributeDefinition(required = false, description = "auth = basic") String username() default "";

        @AttributeDefinition(type = AttributeType.PASSWORD, required = false, description = "auth = basic")
        String password() default "";

        @AttributeDefinition(required = false, description = "auth = oauth2: the token endpoint")
        String oauth2__token__url() default "";

        @AttributeDefinition(required = false) String oauth2__client__id() default "";

        @AttributeDefinition(type = AttributeType.PASSWORD, required = false)
        String oauth2__client__secret() default "";

        @AttributeDefinition(required = false) String oauth2__scope() default "";

        @AttributeDefinition(options = {@Option(label = "none", value = "none"), @Option(label = "page", value = "page"),
            @Option(label = "offset", value = "offset"), @Option(label = "cursor", value = "cursor"),
            @Option(label = "next_url", value = "next_url"), @Option(label = "link", value = "link")})
        String pagination() default "none";

        @AttributeDefinition(required = false, description = "Parameter of the page number (page) or of the "
                + "offset (offset); default page or offset")
        String page__param() default "";

        @AttributeDefinition(description = "First page number (pagination = page)", min = "0")
        long page__start() default 1;

        @AttributeDefinition(required = false, description = "Parameter of the page size, e.g. limit")
        String page__size__param() default "";

        @AttributeDefinition(description = "Records per page; 0 = not sent. A shorter page is the last one",
                min = "0", max = "1000000")
        int page__size() default 0;

        @AttributeDefinition(description = "Parameter that carries the cursor (pagination = cursor)")
        String cursor__param() default "cursor";

        @AttributeDefinition(required = false, description = "JSON pointer to the next cursor in the body")
        String cursor__path() default "";

        @AttributeDefinition(required = false, description = "JSON pointer to the next page's URL, e.g. /next")
        String next__url__path() default "";

        @AttributeDefinition(description = "Pages per fetch; the next fetch continues where this one stopped",
                min = "1", max = "1000000")
        int max__pages() default 1000;

        @AttributeDefinition(required = false, description = "Query (or, for a POST with a body, body) field of "
                + "the lower time bound, e.g. modified_since")
        String since__param() default "";

        @AttributeDefinition(description = "epoch, epoch_ms, iso8601 or a java.time pattern (UTC)")
        String since__format() default "iso8601";

        @AttributeDefinition(description = "record:<pointer> (the largest value among stored records) or "
                + "poll_start (when the last complete poll began)")
        String since__source() default "poll_start";

        @AttributeDefinition(description = "Lower bound of the first poll: e.g. 30d, 12h, 90m, 3600 (seconds), or "
                + "all (no bound)")
        String initial__lookback() default "1d";
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Empty: the container then refuses an input without a typetag, since no default fits every API. */
    @Override
    public String defaultTypetag() {
        return "";
    }

    @Override
    public long defaultPeriodSeconds() {
        return 3600;
    }

    @Override
    public SourceInput open(InputConfig config) throws InvalidConfigException {
        Config typed = config.as(Config.class);
        URI url = url(typed.url());
        String method = typed.method().strip().toUpperCase(Locale.ROOT);
        Map<String, String> headers = family(config, HEADER_PREFIX);
        for (String name : headers.keySet()) {
            if (name.equalsIgnoreCase("Authorization")) {
                // its key name would not mark it as a secret, so status would show it: token is masked everywhere
                throw new InvalidConfigException(HEADER_PREFIX + name, "give the credentials as auth = apikey "
                        + "(token, token_header), bearer or basic, so that they are masked in status and logs");
            }
        }
        RequestTemplate template = RequestTemplate.of(url, method, headers,
                family(config, QUERY_PREFIX), typed.body());
        RecordReader reader = RecordReader.of(typed.format(), typed.records(), typed.record__id(),
                typed.record__version(), typed.no__records__when());
        Paging paging = Paging.of(typed);
        IncrementalWindow window = IncrementalWindow.of(typed.since__param(), typed.since__format(),
                typed.since__source(), typed.initial__lookback());
        Credentials credentials = Credentials.of(typed, config);
        return new HttpInput(template, reader, paging, window, credentials, typed.max__pages());
    }

    private static URI url(String text) throws InvalidConfigException {
        if (text == null || text.isBlank()) {
            throw new InvalidConfigException("url", "is required");
        }
        URI uri;
        try {
            uri = new URI(text.strip());
        } catch (URISyntaxException e) {
            throw new InvalidConfigException("url", "is not a valid URL (" + e.getReason() + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") && !scheme.equals("file")) {
            throw new InvalidConfigException("url", "must be an http, https or file URL");
        }
        if (uri.getRawUserInfo() != null) {
            throw new InvalidConfigException("url", "must not hold credentials; use auth = basic");
        }
        return uri;
    }

    /** The values of one key family ({@code header.Accept = ...}), by the name after the prefix. */
    static Map<String, String> family(InputConfig config, String prefix) throws InvalidConfigException {
        Map<String, String> values = new LinkedHashMap<>();
        for (Map.Entry<String, Object> entry : new TreeMap<>(config.properties()).entrySet()) {
            String key = entry.getKey();
            if (key.startsWith(prefix) && key.length() > prefix.length()) {
                String value = String.valueOf(entry.getValue());
                if (value.chars().anyMatch(c -> c == '\r' || c == '\n')) {
                    throw new InvalidConfigException(key, "must be one line");
                }
                values.put(key.substring(prefix.length()), value.strip());
            }
        }
        return values;
    }
}
