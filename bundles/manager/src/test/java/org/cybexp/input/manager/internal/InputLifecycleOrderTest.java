package org.cybexp.input.manager.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.cybexp.input.api.InputConfig;
import org.cybexp.input.api.SourceInput;
import org.cybexp.input.core.control.InputRunner;
import org.cybexp.input.core.control.InputRunnerFactory;
import org.cybexp.input.core.control.InputStatus;
import org.cybexp.input.core.control.StopMode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The listener lifecycle the SPI promises: the previous instance of an input is stopped and closed before its
 * new instance starts, so a listener's new instance can bind the port the old one held. Each runner records
 * when it is started, stopped and closed; the order is what a port-bound input depends on.
 */
class InputLifecycleOrderTest {

    private final InMemoryConfigAdmin configs = new InMemoryConfigAdmin();
    private final RecordingRunners core = new RecordingRunners();
    private final List<String> steps = new ArrayList<>();
    private PluginManagerImpl manager;

    @BeforeEach
    void boot() {
        manager = new PluginManagerImpl(core, new OrderRecording(), configs.admin);
        configs.listener(manager);
        manager.bindPlugin(new RecordingRunners.UrlPlugin("syslog"));
        configs.put("syslog", "lines", Map.of("orgid", "org1", "url", "http://127.0.0.1/a"));
        steps.clear();
    }

    @Test
    void anEditedConfigurationClosesTheOldInstanceBeforeTheNewOneStarts() {
        configs.put("syslog", "lines", Map.of("orgid", "org1", "url", "http://127.0.0.1/b"));

        assertClosedBeforeStarted();
    }

    @Test
    void aRestartClosesTheOldInstanceBeforeTheNewOneStarts() throws Exception {
        manager.restart(List.of(), List.of("lines"));

        assertClosedBeforeStarted();
    }

    @Test
    void aReplacedPluginClosesTheOldInstanceBeforeTheNewOneStarts() {
        manager.bindPlugin(new RecordingRunners.UrlPlugin("syslog")); // an updated bundle's new service

        assertClosedBeforeStarted();
    }

    /**
     * The old runner is asked to stop (the manager may ask twice: once to signal, once to wait) and is closed
     * before the new one starts; nothing else happens.
     */
    private void assertClosedBeforeStarted() {
        List<String> collapsed = new java.util.ArrayList<>();
        for (String step : steps) {
            if (collapsed.isEmpty() || !collapsed.get(collapsed.size() - 1).equals(step) || !step.startsWith("stop")) {
                collapsed.add(step);
            }
        }
        assertEquals(List.of("stop 1", "close 1", "start 2"), collapsed, "steps: " + steps);
    }

    /** The recording core's runners, numbered in the order they are made, writing their steps to one list. */
    private final class OrderRecording implements InputRunnerFactory {
        private int made;

        @Override
        public InputRunner create(InputConfig config, SourceInput input) {
            InputRunner runner = core.create(config, input);
            int number = ++made;
            return new InputRunner() {
                @Override
                public InputConfig config() {
                    return runner.config();
                }

                @Override
                public void start() {
                    steps.add("start " + number);
                    runner.start();
                }

                @Override
                public boolean stop(StopMode mode, Duration timeout) {
                    steps.add("stop " + number);
                    return runner.stop(mode, timeout);
                }

                @Override
                public InputStatus status() {
                    return runner.status();
                }

                @Override
                public void close() {
                    steps.add("close " + number);
                    runner.close();
                }
            };
        }
    }
}
