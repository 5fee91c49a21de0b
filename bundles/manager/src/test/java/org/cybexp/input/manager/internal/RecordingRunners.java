package org.cybexp.input.manager.internal;

import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.cybexp.input.api.CybexSource;
import org.cybexp.input.api.Event;
import org.cybexp.input.api.FetchContext;
import org.cybexp.input.api.InputConfig;
import org.cybexp.input.api.InvalidConfigException;
import org.cybexp.input.api.SourceInput;
import org.cybexp.input.api.SourcePlugin;
import org.cybexp.input.core.control.InputRunner;
import org.cybexp.input.core.control.InputRunnerFactory;
import org.cybexp.input.core.control.InputState;
import org.cybexp.input.core.control.InputStatus;
import org.cybexp.input.core.control.StopMode;

/** The core's side as the manager sees it: a validator of the common keys and runners that record their life. */
final class RecordingRunners implements InputRunnerFactory, CybexSource {

    final List<Runner> created = new ArrayList<>();

    @Override
    public InputRunner create(InputConfig config, SourceInput input) {
        Runner runner = new Runner(config, input);
        created.add(runner);
        return runner;
    }

    @Override
    public InputConfig validate(SourcePlugin plugin, String defaultName, Map<String, ?> properties)
            throws InvalidConfigException {
        Object orgid = properties.get("orgid");
        if (orgid == null) {
            throw new InvalidConfigException("orgid", "is required");
        }
        Object name = properties.get("name");
        Object enabled = properties.get("enabled");
        return new InputConfig(plugin.name(), name == null ? defaultName : name.toString(), orgid.toString(),
                "test", ZoneId.of("UTC"), Duration.ofHours(1), enabled == null || Boolean.parseBoolean(
                        enabled.toString()), properties);
    }

    @Override
    public void post(InputConfig input, Event event) {
        throw new UnsupportedOperationException();
    }

    /** The runners of one input name that are neither stopped nor closed. */
    List<Runner> live(String name) {
        return created.stream().filter(r -> r.config.name().equals(name) && r.started && !r.closed).toList();
    }

    static final class Runner implements InputRunner {
        final InputConfig config;
        final SourceInput input;
        boolean started;
        boolean closed;
        StopMode stoppedWith;
        /** What its status counts as fetched (a test sets it). */
        long fetched;

        Runner(InputConfig config, SourceInput input) {
            this.config = config;
            this.input = input;
        }

        @Override
        public InputConfig config() {
            return config;
        }

        @Override
        public void start() {
            started = true;
        }

        @Override
        public boolean stop(StopMode mode, Duration timeout) {
            stoppedWith = mode;
            return true;
        }

        @Override
        public InputStatus status() {
            InputState state = stoppedWith != null ? InputState.STOPPED : InputState.WAITING;
            return new InputStatus(config.name(), config.plugin(), state, "", fetched, 0, 0, 0, 0, 0, 0, 0, null,
                    null, null, null, null);
        }

        @Override
        public void close() {
            closed = true;
            input.close();
        }
    }

    /** A plugin whose inputs need a {@code url} key starting with http. */
    static final class UrlPlugin implements SourcePlugin {
        private final String name;
        final List<SourceInput> closedInputs = new ArrayList<>();
        final List<SourceInput> openedInputs = new ArrayList<>();

        UrlPlugin(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public SourceInput open(InputConfig config) throws InvalidConfigException {
            if (!config.getString("url", "").startsWith("http")) {
                throw new InvalidConfigException("url", "must be an http or https URL");
            }
            SourceInput opened = new SourceInput() {
                @Override
                public void fetch(FetchContext ctx) {
                }

                @Override
                public void close() {
                    closedInputs.add(this);
                }
            };
            openedInputs.add(opened);
            return opened;
        }
    }
}
