package org.cybexp.input.api;

import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The container's CYBEX-P side, one service: it validates the common keys of an input configuration and
 * accepts events for delivery to the CYBEX-P API {@code /raw} (or the local archive when no API is configured).
 * Plugins do not need it (their {@link FetchContext} does this for them); tools and the manager use it.
 *
 * @since 1.0
 */
@ProviderType
public interface CybexSource {

    /**
     * Validates the common keys ({@code name}, {@code orgid}, {@code typetag}, {@code timezone}, {@code period},
     * {@code enabled}, and the original CYBEX-P aliases {@code human_name}, {@code archive_processing_typetag},
     * {@code seconds_between_fetches}, {@code input_plugin_name}) and resolves {@code ${env:NAME}} and
     * {@code ${file:PATH}} values.
     *
     * @param plugin the plugin whose input this is (for its defaults)
     * @param defaultName the name to use when the configuration has none (the file's instance name)
     * @param properties the configuration as ConfigAdmin holds it
     * @throws InvalidConfigException naming the first bad key
     */
    InputConfig validate(SourcePlugin plugin, String defaultName, Map<String, ?> properties)
            throws InvalidConfigException;

    /**
     * Stores an event durably in the input's outbox for delivery; returns once it is stored. Dedup keys are not
     * checked here (use an input's {@link FetchContext} for that).
     */
    void post(InputConfig input, Event event) throws java.io.IOException;
}
