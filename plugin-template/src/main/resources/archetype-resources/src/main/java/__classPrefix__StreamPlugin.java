package ${package};

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
 * The {@value #NAME} source (streaming): keeps a long-lived HTTP request open on an endpoint that sends one JSON
 * record per line (newline-delimited JSON, as many event APIs do) and posts each record as it arrives.
 * Configured by files {@code etc/cybexp.source.${streamPluginName}-<name>.cfg}.
 */
@Component(service = SourcePlugin.class, configurationPid = ${classPrefix}StreamPlugin.PID,
        configurationPolicy = ConfigurationPolicy.IGNORE)
@Designate(ocd = ${classPrefix}StreamPlugin.Config.class, factory = true)
public final class ${classPrefix}StreamPlugin implements SourcePlugin {

    static final String NAME = "${streamPluginName}";
    static final String PID = PID_PREFIX + NAME;
    static final String TYPETAG = "${pluginName}-stream";

    /**
     * This plugin's own keys, as the web console shows them after the container's common keys ({@code __} in a
     * name is {@code _} in the key); the container enforces their bounds before {@link #open} runs.
     * {@code period} does not apply: the stream runs until stopped.
     */
    @ObjectClassDefinition(name = "CYBEX-P ${streamPluginName} input",
            description = "Receives newline-delimited JSON records from a streaming HTTP endpoint")
    public @interface Config {

        @AttributeDefinition(description = "Streaming endpoint: http or https")
        String url();

        @AttributeDefinition(description = "Records stored per checkpoint: after a restart the stream resumes "
                + "with at most this many records received again", min = "1", max = "100000")
        int checkpoint__every() default 100;
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
    public SourceInput open(InputConfig config) throws InvalidConfigException {
        Config typed = config.as(Config.class);
        return new ${classPrefix}StreamInput(FeedUrl.parse("url", typed.url()), typed.checkpoint__every());
    }
}
