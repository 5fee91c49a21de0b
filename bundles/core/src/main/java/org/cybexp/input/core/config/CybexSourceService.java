package org.cybexp.input.core.config;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import org.cybexp.input.api.CybexSource;
import org.cybexp.input.api.Event;
import org.cybexp.input.api.InputConfig;
import org.cybexp.input.api.InvalidConfigException;
import org.cybexp.input.api.SourcePlugin;
import org.cybexp.input.core.control.EventStore;
import org.cybexp.input.core.reference.ValueReferences;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The {@link CybexSource} service: validates input configurations and stores events in the outbox. It also
 * publishes the metatype of the keys every input has ({@link CommonKeys}, PID {@value CommonKeys#ID}) to the
 * MetaTypeService, so a web console can combine it with a plugin's into one form; the component itself reads
 * no configuration of that PID.
 */
@Component(service = CybexSource.class, configurationPid = CommonKeys.ID,
        configurationPolicy = ConfigurationPolicy.IGNORE)
@Designate(ocd = CommonKeys.class)
public final class CybexSourceService implements CybexSource {

    private final CommonConfigValidator validator;
    private final EventStore events;

    @Activate
    public CybexSourceService(@Reference(name = "events") EventStore events) {
        this(new CommonConfigValidator(new ValueReferences(System::getenv)), events);
    }

    CybexSourceService(CommonConfigValidator validator, EventStore events) {
        this.validator = validator;
        this.events = events;
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
