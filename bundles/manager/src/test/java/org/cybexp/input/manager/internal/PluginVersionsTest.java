package org.cybexp.input.manager.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.cybexp.input.core.control.InputState;
import org.cybexp.input.core.control.InputStatus;
import org.cybexp.input.core.control.StopMode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Version;

/**
 * Two services of one plugin name, as when an update is copied into {@code deploy/} beside the old jar instead
 * of over it: the best one runs the inputs, and when it goes the other takes over. The input's counters go on
 * across every switch.
 */
class PluginVersionsTest {

    private final InMemoryConfigAdmin configs = new InMemoryConfigAdmin();
    private final RecordingRunners core = new RecordingRunners();
    private final RecordingRunners.UrlPlugin older = new RecordingRunners.UrlPlugin("urlhaus");
    private final RecordingRunners.UrlPlugin newer = new RecordingRunners.UrlPlugin("urlhaus");
    private PluginManagerImpl manager;

    @BeforeEach
    void boot() {
        manager = new PluginManagerImpl(core, core, configs.admin);
        configs.listener(manager);
        configs.put("urlhaus", "main", Map.of("orgid", "org1", "url", "http://127.0.0.1/feed.json"));
    }

    private RecordingRunners.Runner running() {
        List<RecordingRunners.Runner> live = core.live("main");
        assertEquals(1, live.size(), "one runner at a time");
        return live.get(0);
    }

    private InputStatus status() {
        return manager.status().get(0);
    }

    @Test
    void whenTheNewerIsRemovedTheOlderTakesOver() {
        manager.bindPlugin(older, 0, Version.parseVersion("1.0.0"));
        manager.bindPlugin(newer, 0, Version.parseVersion("1.0.1"));
        RecordingRunners.Runner onNewer = running();
        assertTrue(newer.openedInputs.contains(onNewer.input), "the newer version runs the input");

        manager.unbindPlugin(newer);

        assertEquals(StopMode.IMMEDIATE, onNewer.stoppedWith, "the removed version's fetch is stopped at once");
        assertTrue(onNewer.closed);
        assertTrue(older.openedInputs.contains(running().input), "the older version runs it now");
        assertEquals(InputState.WAITING, status().state());
        assertEquals(List.of("urlhaus"), manager.plugins());

        manager.unbindPlugin(older);
        assertEquals(InputState.PLUGIN_MISSING, status().state(), "no version left");
        assertEquals(List.of(), manager.plugins());
    }

    @Test
    void anOlderVersionInstalledBesideTheRunningOneDoesNotTakeOver() {
        manager.bindPlugin(newer, 0, Version.parseVersion("2.0.0"));
        RecordingRunners.Runner onNewer = running();

        manager.bindPlugin(older, 0, Version.parseVersion("1.9.0"));
        assertEquals(onNewer, running(), "not restarted");
        assertEquals(1, core.created.size());

        manager.unbindPlugin(older);
        assertEquals(onNewer, running(), "removing the one that does not run changes nothing");
    }

    @Test
    void aHigherServiceRankingWinsOverAHigherVersion() {
        manager.bindPlugin(older, 10, Version.parseVersion("1.0.0"));
        manager.bindPlugin(newer, 0, Version.parseVersion("3.0.0"));
        assertTrue(older.openedInputs.contains(running().input));
    }

    @Test
    void theSameVersionInstalledAgainTakesOverAsTheLatest() {
        manager.bindPlugin(older, 0, Version.parseVersion("1.0.0"));
        manager.bindPlugin(newer, 0, Version.parseVersion("1.0.0"));
        assertTrue(newer.openedInputs.contains(running().input));
    }

    @Test
    void countersGoOnAcrossUpdatesAndRestarts() throws Exception {
        manager.bindPlugin(older, 0, Version.parseVersion("1.0.0"));
        running().fetched = 5;
        assertEquals(5, status().fetched());

        manager.bindPlugin(newer, 0, Version.parseVersion("1.0.1")); // an update: a new runner
        assertEquals(5, status().fetched(), "the update does not reset what the input fetched");
        running().fetched = 2;
        assertEquals(7, status().fetched());

        manager.restart(List.of(), List.of("main"));
        running().fetched = 1;
        assertEquals(8, status().fetched());

        manager.stop(List.of(), List.of("main"));
        assertEquals(InputState.STOPPED, status().state());
        assertEquals(8, status().fetched(), "a stopped input keeps its counters");

        manager.unbindPlugin(newer);
        manager.unbindPlugin(older);
        assertEquals(InputState.PLUGIN_MISSING, status().state());
        assertEquals(8, status().fetched(), "and so does one whose plugin is gone");
    }
}
