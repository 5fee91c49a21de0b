package org.cybexp.input.manager.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.cybexp.input.api.InputConfig;
import org.cybexp.input.api.SourceInput;
import org.cybexp.input.api.SourcePlugin;
import org.cybexp.input.core.control.InputState;
import org.cybexp.input.core.control.InputStatus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A third-party plugin that fails while opening an input (its activation as far as the manager sees it) is
 * isolated (issue 5): its input shows the failure in status, other plugins' inputs run, and the manager keeps
 * serving. Failing and hanging fetches are isolated by the core (InputIsolationTest there).
 */
class PluginIsolationTest {

    private final InMemoryConfigAdmin configs = new InMemoryConfigAdmin();
    private final RecordingRunners core = new RecordingRunners();
    private final RecordingRunners.UrlPlugin healthy = new RecordingRunners.UrlPlugin("healthy");
    private PluginManagerImpl manager;

    /** A plugin with a bug: opening any input throws. */
    private static final class BrokenPlugin implements SourcePlugin {
        @Override
        public String name() {
            return "broken";
        }

        @Override
        public SourceInput open(InputConfig config) {
            throw new IllegalStateException("cannot load rules for " + config.name());
        }
    }

    @BeforeEach
    void boot() {
        manager = new PluginManagerImpl(core, core, configs.admin);
        configs.listener(manager);
    }

    private InputStatus status(String name) {
        return manager.status().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void aPluginThatThrowsWhenOpeningIsShownAndTheOthersRun() {
        manager.bindPlugin(new BrokenPlugin());
        manager.bindPlugin(healthy);

        configs.put("broken", "main", Map.of("orgid", "org1"));
        configs.put("healthy", "main2", Map.of("orgid", "org1", "url", "http://127.0.0.1/feed"));

        InputStatus broken = status("main");
        assertEquals(InputState.INVALID_CONFIG, broken.state());
        assertTrue(broken.configError().contains("the plugin failed to open the input")
                && broken.configError().contains("cannot load rules for main"), broken.configError());
        assertEquals(1, core.live("main2").size(), "the other plugin's input runs");
        assertTrue(core.live("main").isEmpty());
    }

    @Test
    void aBrokenPluginLeavingAndComingBackDisturbsNobody() {
        BrokenPlugin broken = new BrokenPlugin();
        manager.bindPlugin(broken);
        manager.bindPlugin(healthy);
        configs.put("broken", "main", Map.of("orgid", "org1"));
        configs.put("healthy", "main2", Map.of("orgid", "org1", "url", "http://127.0.0.1/feed"));
        RecordingRunners.Runner running = core.live("main2").get(0);

        manager.unbindPlugin(broken);
        assertEquals(InputState.PLUGIN_MISSING, status("main").state());
        manager.bindPlugin(broken);

        assertEquals(InputState.INVALID_CONFIG, status("main").state());
        assertFalse(running.closed, "the healthy input was never restarted");
        assertEquals(1, core.created.size());
    }
}
