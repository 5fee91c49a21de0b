package org.cybexp.input.manager.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.cybexp.input.core.control.DeliveryState;
import org.cybexp.input.core.control.DeliveryStats;
import org.cybexp.input.core.control.EventStore;
import org.cybexp.input.core.control.InputState;
import org.cybexp.input.core.control.InputStatus;
import org.cybexp.input.core.control.StopMode;
import org.cybexp.input.manager.UnknownSelectionException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PluginManagerImplTest {

    private final InMemoryConfigAdmin configs = new InMemoryConfigAdmin();
    private final RecordingRunners core = new RecordingRunners();
    private final RecordingRunners.UrlPlugin openphish = new RecordingRunners.UrlPlugin("openphish");
    private PluginManagerImpl manager;

    @BeforeEach
    void boot() {
        manager = new PluginManagerImpl(core, core, configs.admin);
        configs.listener(manager);
    }

    private static Map<String, Object> input(String url) {
        return Map.of("orgid", "org1", "url", url);
    }

    private InputStatus status(String name) {
        return manager.status().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void anInputWaitsForItsPluginThenRuns() {
        configs.put("openphish", "main", input("http://127.0.0.1/feed.txt"));
        assertEquals(InputState.PLUGIN_MISSING, status("main").state());

        manager.bindPlugin(openphish);

        assertEquals(1, core.live("main").size());
        assertEquals(List.of("openphish"), manager.plugins());
    }

    @Test
    void aBadNewConfigIsRefusedAndTheRunningInputKeepsItsConfig() {
        manager.bindPlugin(openphish);
        configs.put("openphish", "main", input("http://127.0.0.1/feed.txt"));
        RecordingRunners.Runner running = core.live("main").get(0);

        configs.put("openphish", "main", input("ftp://127.0.0.1/feed.txt"));

        assertEquals(List.of(running), core.live("main"));
        assertTrue(status("main").configError().contains("url: must be an http or https URL"));
        assertTrue(status("main").configError().contains("previous one keeps running"));

        configs.put("openphish", "main", input("https://127.0.0.1/feed.txt"));
        assertTrue(running.closed);
        assertEquals("https://127.0.0.1/feed.txt", core.live("main").get(0).config.getString("url", ""));
        assertNull(status("main").configError());
    }

    @Test
    void aBadFirstConfigIsShownAsInvalidAndOthersRun() {
        manager.bindPlugin(openphish);
        configs.put("openphish", "good", input("http://127.0.0.1/a"));
        configs.put("openphish", "bad", Map.of("url", "http://127.0.0.1/b"));

        assertEquals(InputState.INVALID_CONFIG, status("bad").state());
        assertTrue(status("bad").configError().contains("orgid: is required"));
        assertEquals(1, core.live("good").size());
    }

    @Test
    void anUnchangedConfigDoesNotRestartTheInput() {
        manager.bindPlugin(openphish);
        configs.put("openphish", "main", input("http://127.0.0.1/a"));
        configs.put("openphish", "main", input("http://127.0.0.1/a"));
        assertEquals(1, core.created.size());
    }

    @Test
    void removingThePluginStopsItsInputsAtOnceAndClosesThem() {
        manager.bindPlugin(openphish);
        configs.put("openphish", "main", input("http://127.0.0.1/a"));
        RecordingRunners.Runner runner = core.live("main").get(0);

        manager.unbindPlugin(openphish);

        assertEquals(StopMode.IMMEDIATE, runner.stoppedWith);
        assertTrue(runner.closed);
        assertEquals(1, openphish.closedInputs.size());
        assertEquals(InputState.PLUGIN_MISSING, status("main").state());
    }

    @Test
    void deletingTheConfigRemovesTheInput() {
        manager.bindPlugin(openphish);
        String pid = configs.put("openphish", "main", input("http://127.0.0.1/a"));
        configs.delete(pid);
        assertTrue(manager.status().isEmpty());
        assertTrue(core.created.get(0).closed);
    }

    @Test
    void twoInputsCannotShareAName() {
        manager.bindPlugin(openphish);
        configs.put("openphish", "a", Map.of("orgid", "o", "url", "http://x/", "name", "same"));
        configs.put("openphish", "b", Map.of("orgid", "o", "url", "http://y/", "name", "same"));
        assertEquals(1, core.created.size());
        assertTrue(manager.status().stream().anyMatch(s -> s.state() == InputState.INVALID_CONFIG
                && s.configError().contains("already used")));
    }

    @Test
    void namesThatDifferOnlyInCaseAreOneName() {
        manager.bindPlugin(openphish);
        configs.put("openphish", "a", Map.of("orgid", "org1", "url", "http://127.0.0.1/a", "name", "canary"));
        configs.put("openphish", "b", Map.of("orgid", "org1", "url", "http://127.0.0.1/b", "name", "Canary"));

        InputStatus refused = manager.status().stream().filter(s -> s.name().equals("Canary")).findFirst()
                .orElseThrow();
        assertEquals(InputState.INVALID_CONFIG, refused.state());
        assertTrue(refused.configError().startsWith("name: 'Canary' is already used by another input ('canary'"),
                refused.configError());
        assertEquals(1, core.live("canary").size());
    }

    @Test
    void stopStartAndRestartSelectByNameOrPlugin() throws Exception {
        manager.bindPlugin(openphish);
        manager.bindPlugin(new RecordingRunners.UrlPlugin("phishtank"));
        configs.put("openphish", "one", input("http://127.0.0.1/1"));
        configs.put("openphish", "two", input("http://127.0.0.1/2"));
        configs.put("phishtank", "three", input("http://127.0.0.1/3"));

        assertEquals(List.of("one", "two"), manager.stop(List.of("openphish"), List.of()));
        assertEquals(InputState.STOPPED, status("one").state());
        assertEquals(1, core.live("three").size());

        configs.put("openphish", "one", input("http://127.0.0.1/1b"));
        assertEquals(InputState.STOPPED, status("one").state(), "a stopped input stays stopped on a config edit");

        assertEquals(List.of("one"), manager.start(List.of(), List.of("one")));
        assertEquals("http://127.0.0.1/1b", core.live("one").get(0).config.getString("url", ""));
        assertEquals(InputState.STOPPED, status("two").state());

        assertEquals(List.of("one", "three", "two"), manager.restart(List.of(), List.of()));
        assertEquals(1, core.live("two").size());
    }

    @Test
    void aStoppedInputShowsItsOutboxDrainingNotTheCountersOfWhenItStopped() throws Exception {
        manager.bindPlugin(openphish);
        configs.put("openphish", "one", input("http://127.0.0.1/1"));
        manager.stop(List.of(), List.of("one"));
        DeliveryStats[] now = {new DeliveryStats(3, 0, 0, 5, null, null, null, DeliveryState.DELIVERING, null, 0)};
        manager.events = new EventStore() {
            @Override
            public void append(org.cybexp.input.api.InputConfig input, List<org.cybexp.input.api.Event> events,
                    byte[] commit) {
                throw new AssertionError("not stored here");
            }

            @Override
            public java.util.Optional<byte[]> lastCommit(String inputName) {
                return java.util.Optional.empty();
            }

            @Override
            public DeliveryStats stats(String inputName) {
                return now[0];
            }
        };
        assertEquals(5, status("one").outboxDepth());
        now[0] = new DeliveryStats(8, 0, 0, 0, null, null, null, DeliveryState.IDLE, null, 0);
        assertEquals(8, status("one").delivered());
        assertEquals(0, status("one").outboxDepth());
        assertEquals(InputState.STOPPED, status("one").state());
    }

    @Test
    void unknownSelectionsNameWhatIsKnown() {
        manager.bindPlugin(openphish);
        configs.put("openphish", "main", input("http://127.0.0.1/a"));

        UnknownSelectionException plugin = assertThrows(UnknownSelectionException.class,
                () -> manager.start(List.of("nope"), List.of()));
        assertEquals("unknown plugin 'nope' (known: openphish)", plugin.getMessage());
        UnknownSelectionException name = assertThrows(UnknownSelectionException.class,
                () -> manager.stop(List.of(), List.of("ghost")));
        assertEquals("no input named 'ghost' (inputs: main)", name.getMessage());
        assertEquals(1, core.live("main").size(), "nothing stopped by a refused selection");
    }

    @Test
    void aDisabledInputIsNotStarted() {
        manager.bindPlugin(openphish);
        configs.put("openphish", "off", Map.of("orgid", "o", "url", "http://x/", "enabled", "false"));
        assertEquals(InputState.DISABLED, status("off").state());
        assertTrue(core.created.isEmpty());
    }
}
