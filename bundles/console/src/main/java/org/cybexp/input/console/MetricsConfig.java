package org.cybexp.input.console;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** {@code etc/cybexp.metrics.cfg}: who may scrape {@code GET /metrics}. */
@ObjectClassDefinition(id = MetricsEndpoint.PID, name = "CYBEX-P metrics endpoint",
        description = "GET /metrics on the daemon's web server (etc/org.apache.felix.http.cfg), Prometheus text format")
@interface MetricsConfig {

    @AttributeDefinition(required = false, type = AttributeType.PASSWORD, description = "Bearer token a scraper "
            + "must send (Authorization: Bearer ...); ${env:NAME} or ${file:/path} keep it out of the file. Empty: "
            + "only clients on the loopback interface may scrape")
    String token() default "";
}
