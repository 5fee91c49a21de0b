package org.cybexp.input.source.phishtank;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;

import org.cybexp.input.api.InputConfig;
import org.cybexp.input.api.InvalidConfigException;
import org.cybexp.input.api.Secret;
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
 * The PhishTank source: downloads the {@code online-valid} dump (bzip2, gzip or plain JSON) and posts each
 * record not posted before as one JSON file, typetag {@code phishtank-api}.
 *
 * <p>Inputs are factory configurations {@code cybexp.source.phishtank}; the container's manager opens them
 * through {@link #open(InputConfig)}, so SCR ignores those configurations ({@link ConfigurationPolicy#IGNORE})
 * and the designate only publishes the metatype for the web console.
 */
@Component(service = SourcePlugin.class, configurationPid = PhishTankPlugin.PID,
        configurationPolicy = ConfigurationPolicy.IGNORE)
@Designate(ocd = PhishTankPlugin.Config.class, factory = true)
public final class PhishTankPlugin implements SourcePlugin {

    static final String NAME = "phishtank";
    static final String PID = PID_PREFIX + NAME;
    static final String TYPETAG = "phishtank-api";
    /** Replaced by the app key; with no key, removed together with the {@code /} after it. */
    static final String KEY_PLACEHOLDER = "{app_key}";
    static final String DEFAULT_URL = "https://data.phishtank.com/data/" + KEY_PLACEHOLDER + "/online-valid.json.bz2";
    /** PhishTank asks for {@code phishtank/<username>}; users should put their own name in. */
    static final String DEFAULT_USER_AGENT = "phishtank/cybexp-input";
    static final long DEFAULT_MAX_DECOMPRESSED_BYTES = 2L << 30;
    /** Without a key PhishTank allows only a few downloads a day. */
    static final Duration MIN_PERIOD_WITHOUT_KEY = Duration.ofSeconds(300);
    /** PhishTank keys are hex strings; anything outside URL path characters would corrupt the URL. */
    private static final Pattern KEY_SYNTAX = Pattern.compile("[A-Za-z0-9._~-]+");

    /**
     * A PhishTank input's configuration, as the web console shows it. Metatype turns {@code __} in a name into
     * {@code _} (a single {@code _} would become {@code .}), hence {@code app__key} for the key {@code app_key}.
     * The keys are read through this type; the common keys (name, orgid, period, ...) are the container's.
     */
    @ObjectClassDefinition(name = "CYBEX-P PhishTank input",
            description = "Downloads the PhishTank online-valid dump and posts each record not posted before")
    public @interface Config {

        @AttributeDefinition(description = "Dump URL: http, https or file. {app_key} is replaced by the app key "
                + "(and removed with its / when there is none); never write the key itself into the URL")
        String url() default DEFAULT_URL;

        @AttributeDefinition(description = "PhishTank application key; masked in logs, status and errors",
                type = AttributeType.PASSWORD, required = false)
        String app__key() default "";

        @AttributeDefinition(description = "Format of the dump: auto (from its first bytes), bzip2, gzip or json",
                options = {@Option(value = "auto"), @Option(value = "bzip2"), @Option(value = "gzip"),
                    @Option(value = "json"), @Option(value = "bz2", label = "bz2 (bzip2)"),
                    @Option(value = "gz", label = "gz (gzip)")})
        String format() default "auto";

        @AttributeDefinition(description = "User-Agent sent to PhishTank, which asks for phishtank/<your user "
                + "name>; declared here for its own default (the common key's default is the container's)")
        String user__agent() default DEFAULT_USER_AGENT;

        @AttributeDefinition(description = "Largest accepted dump after decompression, in bytes (stops "
                + "decompression bombs)", min = "1")
        long max__decompressed__bytes() default DEFAULT_MAX_DECOMPRESSED_BYTES;
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
        return new PhishTankInput(settings(config));
    }

    /** Reads and checks the plugin's keys; messages name the key and never repeat the app key or the URL. */
    static PhishTankSettings settings(InputConfig config) throws InvalidConfigException {
        Config typed = config.as(Config.class);
        Secret key = Secret.of(typed.app__key());
        if (!key.isEmpty() && !KEY_SYNTAX.matcher(key.reveal()).matches()) {
            throw new InvalidConfigException("app_key", "may hold only letters, digits and . _ ~ -");
        }
        if (key.isEmpty() && config.period() != null && config.period().compareTo(MIN_PERIOD_WITHOUT_KEY) < 0) {
            throw new InvalidConfigException("period", "must be at least " + MIN_PERIOD_WITHOUT_KEY.toSeconds()
                    + " s without an app_key: PhishTank allows only a few downloads a day without one");
        }
        long maxBytes = typed.max__decompressed__bytes();
        String userAgent = typed.user__agent();
        if (userAgent.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new InvalidConfigException("user_agent", "must not hold control characters");
        }
        return new PhishTankSettings(dumpUri(typed.url(), key), key, DumpFormat.parse(typed.format()), userAgent,
                maxBytes);
    }

    /** Puts the key into the URL template and checks the result; errors never show the value. */
    static URI dumpUri(String template, Secret key) throws InvalidConfigException {
        String text = template.strip();
        if (!key.isEmpty() && !text.contains(KEY_PLACEHOLDER)) {
            throw new InvalidConfigException("url", "has no " + KEY_PLACEHOLDER + " placeholder, so the app_key "
                    + "would not be sent; put " + KEY_PLACEHOLDER + " where the key belongs, e.g. " + DEFAULT_URL);
        }
        text = key.isEmpty() ? text.replace(KEY_PLACEHOLDER + "/", "").replace(KEY_PLACEHOLDER, "")
                : text.replace(KEY_PLACEHOLDER, key.reveal());
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new InvalidConfigException("url", "is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getRawUserInfo() != null) {
            // Java's HTTP client refuses such URLs at every fetch; said once, here, without the value
            throw new InvalidConfigException("url", "must not hold credentials (user:password@); the key goes in "
                    + "app_key");
        }
        switch (scheme) {
            case "http", "https" -> {
                if (uri.getHost() == null) {
                    throw new InvalidConfigException("url", "has no host");
                }
            }
            case "file" -> {
                if (uri.getPath() == null || uri.getPath().isEmpty()) {
                    throw new InvalidConfigException("url",
                            "has no file path; use e.g. file:///srv/phishtank/online-valid.json.bz2");
                }
            }
            default -> throw new InvalidConfigException("url", "must be an http, https or file URL"
                    + (scheme.isEmpty() ? "" : ", not " + scheme));
        }
        return uri;
    }
}
