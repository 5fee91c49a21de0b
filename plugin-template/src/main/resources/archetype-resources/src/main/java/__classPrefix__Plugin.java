package ${package};

import java.net.URI;

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

/**
 * The {@value #NAME} source (polling): each period it downloads a text feed of indicators, one per line, and
 * posts every indicator this input never posted before as one event.
 *
 * <p>The container finds this plugin as a {@link SourcePlugin} service and opens one {@link SourceInput} per
 * configuration file {@code etc/cybexp.source.${pluginName}-<name>.cfg}. Those files are factory
 * configurations of {@value #PID}; the container reads them itself, so SCR ignores them
 * ({@link ConfigurationPolicy#IGNORE}) and {@link Designate} only publishes the metatype (web console forms).
 */
@Component(service = SourcePlugin.class, configurationPid = ${classPrefix}Plugin.PID,
        configurationPolicy = ConfigurationPolicy.IGNORE)
@Designate(ocd = ${classPrefix}Plugin.Config.class, factory = true)
public final class ${classPrefix}Plugin implements SourcePlugin {

    static final String NAME = "${pluginName}";
    static final String PID = PID_PREFIX + NAME;
    static final String TYPETAG = "${pluginName}-feed";

    /**
     * This plugin's own keys, as the web console shows them after the container's common keys (name, orgid,
     * typetag, period, ...: declare none of those here). Metatype names map {@code __} to {@code _} (a single
     * {@code _} would become {@code .}), so {@code api__key()} is the key {@code api_key}. The container
     * enforces min/max and types and refuses unknown keys before {@link #open} runs; the plugin reads the keys
     * through this type ({@link InputConfig#as(Class)}), so its defaults and bounds live only here.
     */
    @ObjectClassDefinition(name = "CYBEX-P ${pluginName} input",
            description = "Polls a text feed (one indicator per line) and posts the indicators not posted before")
    public @interface Config {

        @AttributeDefinition(description = "Feed URL: http, https or file")
        String url();

        @AttributeDefinition(type = AttributeType.PASSWORD, required = false,
                description = "API key sent in the Authorization header; may refer to an environment variable"
                        + " or a file")
        String api__key() default "";

        @AttributeDefinition(description = "Longest accepted line, in characters; longer ones are skipped",
                min = "16", max = "1000000")
        int max__line__length() default 8192;
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

    /** Checks this plugin's keys; the container already checked the common ones. */
    @Override
    public SourceInput open(InputConfig config) throws InvalidConfigException {
        Config typed = config.as(Config.class);
        URI url = FeedUrl.parse("url", typed.url());
        // A Secret never prints its value: safe in toString, logs and exception messages.
        Secret apiKey = Secret.of(typed.api__key());
        return new ${classPrefix}Input(url, apiKey, typed.max__line__length());
    }
}
