package org.cybexp.input.core.config;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * The keys every input has, whatever its plugin: the single source of their names, defaults and bounds. bnd
 * publishes it as the metatype {@value #ID} (OSGI-INF/metatype of the core bundle); a plugin's metatype declares
 * only the plugin's own keys, and a form for an input combines both. The validator enforces the bounds and
 * refuses keys neither declares. Double underscores stand for one underscore in the key (OSGi naming rule).
 */
@ObjectClassDefinition(id = CommonKeys.ID, name = "CYBEX-P input: common keys",
        description = "Keys of every input (etc/cybexp.source.<plugin>-<name>.cfg), besides its plugin's own. "
                + "Any value may be ${env:NAME} or ${file:/path}.")
public @interface CommonKeys {

    /** The metatype's id. */
    String ID = "cybexp.source.common";

    @AttributeDefinition(required = false,
            description = "Unique name of the input (folders, status, -n); defaults to the file's instance name")
    String name() default "";

    @AttributeDefinition(description = "CYBEX-P organisation (id or name) the records are posted for")
    String orgid() default "";

    @AttributeDefinition(required = false, description = "CYBEX-P typetag of the records; the plugin's default "
            + "when empty")
    String typetag() default "";

    @AttributeDefinition(required = false, description = "Time zone of the records, e.g. UTC or Europe/Berlin")
    String timezone() default "UTC";

    @AttributeDefinition(required = false, min = "0", description = "Seconds between two fetches of a polling "
            + "input; the plugin's default when empty. Under min_interval, fetches run every min_interval.")
    long period() default 0;

    @AttributeDefinition(required = false, description = "Whether the input runs: true or false")
    boolean enabled() default true;

    @AttributeDefinition(required = false, min = "0", description = "Rate limit: seconds at least between two "
            + "fetch starts (also for fetch-now)")
    long min__interval() default 60;

    @AttributeDefinition(required = false, min = "1", description = "Seconds a fetch may run before it is "
            + "interrupted")
    long fetch__timeout() default 3600;

    @AttributeDefinition(required = false, min = "1", description = "Days a dedup key is kept after it was "
            + "last seen")
    long dedup__ttl__days() default 180;

    @AttributeDefinition(required = false, description = "Check servers' certificates and host names")
    boolean verify__tls() default true;

    @AttributeDefinition(required = false, description = "PEM file of the CAs to trust instead of the system's")
    String ca__file() default "";

    @AttributeDefinition(required = false, description = "HTTP proxy, http://host:port")
    String proxy() default "";

    @AttributeDefinition(required = false, description = "User-Agent of HTTP requests")
    String user__agent() default CoreInputSettings.DEFAULT_USER_AGENT;

    @AttributeDefinition(required = false, min = "1", description = "Seconds to connect and for each read")
    long http__timeout() default 60;

    @AttributeDefinition(required = false, description = "PKCS#12 file of the client certificate and key "
            + "presented to servers that ask for one")
    String client__cert() default "";

    @AttributeDefinition(required = false, type = AttributeType.PASSWORD,
            description = "Password of client_cert")
    String client__cert__password() default "";

    @AttributeDefinition(required = false, description = "Comma list of orgids an event may carry instead of "
            + "the input's own; empty: only the input's own")
    String allowed__orgids() default "";

    @AttributeDefinition(required = false, description = "Comma list of typetags an event may carry instead of "
            + "the input's own; empty: only the input's own")
    String allowed__typetags() default "";

    @AttributeDefinition(required = false, description = "A listener's server certificate chain (PEM)")
    String tls__cert() default "";

    @AttributeDefinition(required = false, description = "The private key of tls_cert (PEM)")
    String tls__key() default "";

    @AttributeDefinition(required = false, description = "A listener's certificate and key as PKCS#12, "
            + "instead of tls_cert and tls_key")
    String tls__keystore() default "";

    @AttributeDefinition(required = false, type = AttributeType.PASSWORD,
            description = "Password of tls_keystore")
    String tls__keystore__password() default "";

    @AttributeDefinition(required = false, description = "PEM file of the CAs a listener trusts for client "
            + "certificates")
    String tls__ca() default "";

    @AttributeDefinition(required = false, description = "Whether a listener asks senders for a certificate",
            options = {@Option(value = "none", label = "none"), @Option(value = "want", label = "want"),
                @Option(value = "need", label = "need")})
    String tls__client__auth() default "none";

    @AttributeDefinition(required = false, description = "Comma list of folders file: URLs may read from; "
            + "relative to the installation folder. Default: feeds (i.e. <installation>/feeds)")
    String allowed__file__roots() default FileRoots.DEFAULT;
}
