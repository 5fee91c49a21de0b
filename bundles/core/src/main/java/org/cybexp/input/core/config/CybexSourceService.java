package org.cybexp.input.core.config;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.cybexp.input.api.CybexSource;
import org.cybexp.input.api.Event;
import org.cybexp.input.api.InputConfig;
import org.cybexp.input.api.InvalidConfigException;
import org.cybexp.input.api.SourcePlugin;
import org.cybexp.input.core.control.EventStore;
import org.cybexp.input.core.fetch.DeliveryLink;
import org.cybexp.input.core.reference.ValueReferences;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The {@link CybexSource} service: validates input configurations and stores events in the outbox. The outbox
 * is a dynamic reference, so that updating the delivery bundle does not restart this service and the manager
 * that uses it. It also publishes the metatype of the keys every input has ({@link CommonKeys}, PID
 * {@value CommonKeys#ID}) to the MetaTypeService, so a web console can combine it with a plugin's into one
 * form; the component itself reads no configuration of that PID.
 */
@Component(service = CybexSource.class, configurationPid = CommonKeys.ID,
        configurationPolicy = ConfigurationPolicy.IGNORE)
@Designate(ocd = CommonKeys.class)
public final class CybexSourceService implements CybexSource {

    /** How long a post waits for the outbox of a delivery bundle being updated. */
    static final Duration DELIVERY_PATIENCE = Duration.ofSeconds(10);

    private final CommonConfigValidator validator;
    private final DeliveryLink events = new DeliveryLink(DELIVERY_PATIENCE);

    @Activate
    public CybexSourceService() {
        this(new CommonConfigValidator(new ValueReferences(System::getenv)));
    }

    CybexSourceService(CommonConfigValidator validator) {
        this.validator = validator;
    }

    @Reference(name = "events", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindEvents(EventStore store) {
        events.bind(store);
    }

    void unbindEvents(EventStore store) {
        events.unbind(store);
    }

    @Override
    public InputConfig validate(SourcePlugin plugin, String defaultName, Map<String, ?> properties)
            throws InvalidConfigException {
        return validator.validate(plugin, defaultName, properties);
    }

    @Override
    public void post(InputConfig input, Event event) throws IOException {
        events.append(input, List.of(event), null);
    }
}
