package org.cybexp.input.core.control;

import org.cybexp.input.api.InputConfig;
import org.cybexp.input.api.SourceInput;
import org.osgi.annotation.versioning.ProviderType;

/** A core service: creates the runner that schedules, rate-limits, backs off and stops one input. */
@ProviderType
public interface InputRunnerFactory {

    /**
     * @param config the validated configuration
     * @param input the plugin's opened input; the runner closes it when closed
     * @return a runner, not started
     */
    InputRunner create(InputConfig config, SourceInput input);
}
