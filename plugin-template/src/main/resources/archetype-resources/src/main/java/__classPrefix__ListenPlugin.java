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
 * The {@value #NAME} source (a listener): accepts TCP connections (TLS when the input has a server certificate)
 * and posts each line a sender writes as one event, answering {@code OK <n>} once line {@code n} is on disk.
 * Configured by files {@code etc/cybexp.source.${listenPluginName}-<name>.cfg}; the server TLS keys
 * ({@code tls_cert}, {@code tls_key} or {@code tls_keystore}, {@code tls_ca}, {@code tls_client_auth}) are the
 * container's, common to every input.
 */
@Component(service = SourcePlugin.class, configurationPid = ${classPrefix}ListenPlugin.PID,
        configurationPolicy = ConfigurationPolicy.IGNORE)
@Designate(ocd = ${classPrefix}ListenPlugin.Config.class, factory = true)
public final class ${classPrefix}ListenPlugin implements SourcePlugin {

    static final String NAME = "${listenPluginName}";
    static final String PID = PID_PREFIX + NAME;
    static final String TYPETAG = "${pluginName}-lines";

    /**
     * A listener's configuration as the web console shows it ({@code __} in a name is {@code _} in the key). The
     * plugin reads it as this type ({@link InputConfig#as}), so names, defaults and bounds are written once.
     * {@code period} does not apply: the listener runs until stopped.
     */
    @ObjectClassDefinition(name = "CYBEX-P ${listenPluginName} input",
            description = "Receives lines over TCP (or TLS) and answers each once it is stored")
    public @interface Config {

        @AttributeDefinition(description = "Address to listen on; 0.0.0.0 for every interface")
        String host() default "127.0.0.1";

        @AttributeDefinition(description = "TCP port to listen on; 0 takes a free one (tests)", min = "0",
                max = "65535")
        int port() default 5170;

        @AttributeDefinition(description = "Connections served at once; more are closed at once", min = "1",
                max = "1024")
        int max__connections() default 16;

        @AttributeDefinition(description = "Longest accepted line, in bytes; longer ones are answered ERR and "
                + "counted as malformed", min = "16", max = "1048576")
        int max__line__bytes() default 8192;

        @AttributeDefinition(description = "Seconds a connection may stay silent before it is closed", min = "1")
        int idle__timeout() default 300;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String defaultTypetag() {
        return TYPETAG;
    }

    /** Checks this plugin's keys; binds nothing: the input this one replaces may still hold the port. */
    @Override
    public SourceInput open(InputConfig config) throws InvalidConfigException {
        Config keys = config.as(Config.class);
        if (keys.host().isBlank()) {
            throw new InvalidConfigException("host", "must not be empty");
        }
        // port, max_connections, max_line_bytes and idle_timeout: their bounds are the metatype's above, enforced
        // by the container before open
        return new ${classPrefix}ListenInput(keys);
    }
}
