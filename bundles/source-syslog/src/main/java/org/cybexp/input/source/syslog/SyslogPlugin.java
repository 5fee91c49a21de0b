package org.cybexp.input.source.syslog;

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
import org.osgi.service.metatype.annotations.Option;

/**
 * The syslog source: a listener on UDP, TCP, TLS or RELP that parses each message (RFC 5424, RFC 3164 and the
 * vendor variants real senders emit) and posts them as NDJSON, {@code messages_per_record} per posted file.
 * Inputs are files {@code etc/cybexp.source.syslog-<name>.cfg}; the server TLS keys ({@code tls_cert},
 * {@code tls_key} or {@code tls_keystore}, {@code tls_ca}, {@code tls_client_auth}) are the container's.
 */
@Component(service = SourcePlugin.class, configurationPid = SyslogPlugin.PID,
        configurationPolicy = ConfigurationPolicy.IGNORE)
@Designate(ocd = SyslogPlugin.Config.class, factory = true)
public final class SyslogPlugin implements SourcePlugin {

    static final String NAME = "syslog";
    static final String PID = PID_PREFIX + NAME;
    static final String TYPETAG = "syslog";

    /** A syslog input's configuration ({@code __} in a name is {@code _} in the key), read as this type. */
    @ObjectClassDefinition(name = "CYBEX-P syslog input",
            description = "Receives syslog over UDP, TCP, TLS or RELP and posts the parsed messages as NDJSON")
    public @interface Config {

        @AttributeDefinition(description = "udp, tcp, tls (TCP with the input's tls_cert/tls_key) or relp "
                + "(acknowledged only once stored; TLS too when a certificate is configured)", options = {
                    @Option(label = "UDP", value = "udp"), @Option(label = "TCP", value = "tcp"),
                    @Option(label = "TLS", value = "tls"), @Option(label = "RELP", value = "relp")})
        String protocol() default "udp";

        @AttributeDefinition(description = "Address to listen on; 0.0.0.0 or :: for every interface")
        String host() default "127.0.0.1";

        @AttributeDefinition(description = "Port to listen on (514 needs a redirect or a capability, see the "
                + "docs); 0 takes a free one (tests)", min = "0", max = "65535")
        int port() default 5514;

        @AttributeDefinition(description = "Longest message kept, in bytes; longer ones are cut and counted",
                min = "64", max = "1048576")
        int max__message__bytes() default 8192;

        @AttributeDefinition(description = "Connections one sender address may hold open at once; more are "
                + "closed and counted (TCP, TLS, RELP)", min = "1", max = "65536")
        int max__connections() default 64;

        @AttributeDefinition(description = "Sender addresses accepted, as CIDRs separated by commas (e.g. "
                + "10.0.0.0/8, ::1/128); empty accepts every sender that can reach the address")
        String allowed__senders() default "";

        @AttributeDefinition(description = "Messages posted together as one NDJSON file", min = "1",
                max = "100000")
        int messages__per__record() default 500;

        @AttributeDefinition(description = "Seconds after its first message a partial file is posted anyway",
                min = "1", max = "3600")
        int record__seconds() default 1;
    }

    /** The four listeners. */
    enum Protocol { UDP, TCP, TLS, RELP }

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
        Protocol protocol;
        try {
            protocol = Protocol.valueOf(keys.protocol().strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException("protocol", "must be udp, tcp, tls or relp, not "
                    + InputConfig.quote(keys.protocol()));
        }
        if (keys.host().isBlank()) {
            throw new InvalidConfigException("host", "must not be empty");
        }
        boolean hasCert = config.get("tls_cert").isPresent() || config.get("tls_keystore").isPresent();
        if (protocol == Protocol.TLS && !hasCert) {
            throw new InvalidConfigException("tls_cert", "protocol = tls needs tls_cert and tls_key (or "
                    + "tls_keystore)");
        }
        SenderFilter senders;
        try {
            senders = SenderFilter.parse(keys.allowed__senders());
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException("allowed_senders", e.getMessage());
        }
        return new SyslogInput(keys, protocol, senders);
    }
}
