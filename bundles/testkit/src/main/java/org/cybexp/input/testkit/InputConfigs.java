package org.cybexp.input.testkit;

import java.util.Map;

import org.cybexp.input.api.InputConfig;
import org.cybexp.input.api.InvalidConfigException;
import org.cybexp.input.api.SourcePlugin;
import org.cybexp.input.core.config.CommonConfigValidator;
import org.cybexp.input.core.reference.ValueReferences;

/**
 * Turns a configuration map, as a {@code .cfg} file would give it, into the {@link InputConfig} the container
 * would hand the plugin, with the container's own validator: the common keys checked and defaulted
 * ({@code name}, {@code orgid}, {@code typetag} from {@link SourcePlugin#defaultTypetag()}, {@code timezone}
 * UTC, {@code period} from {@link SourcePlugin#defaultPeriodSeconds()}, {@code enabled}), the original CYBEX-P
 * aliases ({@code human_name}, {@code archive_processing_typetag}, {@code seconds_between_fetches},
 * {@code input_plugin_name}) accepted, the core's keys checked ({@code min_interval}, {@code fetch_timeout},
 * {@code dedup_ttl_days}, {@code http_timeout}, {@code user_agent}, {@code verify_tls}, {@code ca_file},
 * {@code proxy}), and {@code ${env:NAME}} / {@code ${file:/path}} references resolved.
 *
 * <pre>{@code
 * InputConfig config = InputConfigs.of(new MyPlugin(), "main", Map.of("orgid", "org1", "url", url));
 * }</pre>
 *
 * @since 1.0
 */
public final class InputConfigs {

    private static final CommonConfigValidator VALIDATOR =
            new CommonConfigValidator(new ValueReferences(System::getenv));

    private InputConfigs() {
    }

    /**
     * The configuration of an input of {@code plugin}.
     *
     * @param defaultName the name when the map has none (the container uses the file's instance name)
     * @param properties the keys and values, strings as in a {@code .cfg} file or typed values
     * @throws InvalidConfigException naming the first bad key, as the container would refuse it
     */
    public static InputConfig of(SourcePlugin plugin, String defaultName, Map<String, ?> properties)
            throws InvalidConfigException {
        return VALIDATOR.validate(plugin, defaultName, properties);
    }
}
