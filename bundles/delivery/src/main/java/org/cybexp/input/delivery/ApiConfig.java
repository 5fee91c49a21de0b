package org.cybexp.input.delivery;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The sink's configuration, PID {@code cybexp.api} ({@code etc/cybexp.api.cfg}). Double underscores in element
 * names stand for one underscore in the key (DS maps a single one to a dot).
 */
@ObjectClassDefinition(id = "cybexp.api", name = "CYBEX-P API sink",
        description = "Where stored events are delivered: the CYBEX-P API /raw, or the local archive data/archive "
                + "when no url is set. Changes apply to the next delivery.")
public @interface ApiConfig {

    @AttributeDefinition(name = "URL", required = false,
            description = "The full /raw endpoint, e.g. http://localhost:5000/api/v1.0/raw. Empty: keep events in "
                    + "the local archive data/archive/<input>/<day>/ instead.")
    String url() default "";

    @AttributeDefinition(name = "Token", type = AttributeType.PASSWORD, required = false,
            description = "The bearer token (JWT) of a CYBEX-P user who is an admin of the inputs' orgs. May be "
                    + "${env:NAME} (an environment variable) or ${file:/path} (the file's content, trimmed).")
    String token() default "";

    @AttributeDefinition(name = "Timeout (s)", min = "1",
            description = "Seconds allowed to connect, for a post to move (no byte sent or received for this long"
                    + " fails it) and to wait for a free connection.")
    long timeout() default 30;

    @AttributeDefinition(name = "Posts in flight per input", min = "1",
            description = "How many posts of one input may wait for the API's answer at once. The API is on another "
                    + "server: with one at a time an input delivers at most one record per round trip. Records of an "
                    + "input are then no longer posted in their order.")
    int max__in__flight() default 8;

    @AttributeDefinition(name = "Max connections", min = "0",
            description = "Size of the keep-alive connection pool shared by all inputs. 0: max_in_flight for each "
                    + "input with an outbox, so no post waits for a connection.")
    int max__connections() default 0;

    @AttributeDefinition(name = "Verify TLS",
            description = "Check the server's certificate and host name. Turn off only for a test server.")
    boolean verify__tls() default true;

    @AttributeDefinition(name = "CA file", required = false,
            description = "A PEM file of CA certificates to trust instead of the JVM's (for a private CA).")
    String ca__file() default "";

    @AttributeDefinition(name = "Outbox cap per input (MiB)", min = "1",
            description = "When an input's undelivered events reach this size, it stops fetching (status "
                    + "BACK_PRESSURE) until delivery makes room.")
    long outbox__max__mib() default 1024;

    @AttributeDefinition(name = "Outbox cap for all inputs (MiB)", min = "1",
            description = "The same for all inputs' outboxes together.")
    long outbox__total__max__mib() default 4096;

    @AttributeDefinition(name = "Free space kept on the disk (MiB)", min = "0",
            description = "When less than this is free on the disk of data/outbox, inputs stop fetching (status "
                    + "BACK_PRESSURE) while delivery goes on, so the outboxes never fill the disk and delivery can "
                    + "always write down what the API took. 0 turns the reserve off.")
    long outbox__min__free__mib() default 256;
}
