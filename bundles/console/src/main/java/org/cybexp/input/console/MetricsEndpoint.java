package org.cybexp.input.console;

import java.util.Hashtable;
import java.util.List;

import org.cybexp.input.api.InvalidConfigException;
import org.cybexp.input.api.Secret;
import org.cybexp.input.core.control.DeliveryObserver;
import org.cybexp.input.core.control.EventStore;
import org.cybexp.input.core.control.InputStatus;
import org.cybexp.input.core.reference.ValueReferences;
import org.cybexp.input.manager.PluginManager;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.servlet.whiteboard.HttpWhiteboardConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import jakarta.servlet.Servlet;

/**
 * {@code GET /metrics}: a registry of its own (never the library's global one) with the inputs' metrics, the
 * delivery's request-duration histogram and the JVM's metrics. The servlet and the delivery observer are
 * registered by hand, without properties: DS would copy the configuration, token included, into the service
 * properties, where the web console's service list shows them.
 */
@Component(service = {}, immediate = true, configurationPid = MetricsEndpoint.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = MetricsConfig.class)
public final class MetricsEndpoint {

    static final String PID = "cybexp.metrics";
    private static final Logger LOG = LoggerFactory.getLogger(MetricsEndpoint.class);

    private final PluginManager manager;
    private final MetricsServlet servlet;
    private final ServiceRegistration<Servlet> servletRegistration;
    private final ServiceRegistration<DeliveryObserver> observerRegistration;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile EventStore store;

    @Activate
    public MetricsEndpoint(BundleContext context, @Reference PluginManager manager, MetricsConfig config) {
        this.manager = manager;
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new InputMetrics(this::status, this::outboxBytes));
        Histogram durations = Histogram.builder().name("cybexp_delivery_request_duration_seconds")
                .help("Time from a post to the API's (or the archive's) answer, per input").labelNames("input")
                .classicOnly().withoutExemplars().register(registry); // exemplars need the tracer bundles
        JvmMetrics.builder().register(registry);
        this.servlet = new MetricsServlet(registry);
        token(config);
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_PATTERN, "/metrics");
        this.servletRegistration = context.registerService(Servlet.class, servlet, properties);
        DeliveryObserver observer = (input, status, took) -> durations.labelValues(input)
                .observe(took.toNanos() / 1e9);
        this.observerRegistration = context.registerService(DeliveryObserver.class, observer, null);
    }

    @Modified
    void token(MetricsConfig config) {
        try {
            String token = new ValueReferences(System::getenv).resolve("token", config.token());
            servlet.token(Secret.of(token == null ? "" : token.trim()));
        } catch (InvalidConfigException e) {
            // scrapes are refused until the reference resolves: an unset token must not open the endpoint
            LOG.error("etc/cybexp.metrics.cfg: {}; /metrics refuses every scrape", e.getMessage());
            servlet.refuseAll(e.getMessage());
        }
    }

    @Deactivate
    void close() {
        observerRegistration.unregister();
        servletRegistration.unregister();
    }

    private List<InputStatus> status() {
        return manager.status();
    }

    private long outboxBytes(String input) {
        EventStore now = store;
        return now == null ? 0 : now.outboxBytes(input);
    }
}
