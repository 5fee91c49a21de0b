package org.cybexp.input.manager.internal;

import java.util.Map;

import org.cybexp.input.api.InputConfig;
import org.cybexp.input.core.control.InputRunner;
import org.cybexp.input.core.control.InputState;
import org.cybexp.input.core.control.InputStatus;

/** What the manager knows of one input configuration (one factory configuration PID). Guarded by the manager. */
final class InputSlot {

    final String pid;
    final String plugin;
    String name;
    /** The properties the running input was built from; null when none runs. */
    Map<String, Object> appliedProperties;
    InputConfig config;
    InputRunner runner;
    /** Whether {@link #runner} was started: it waits while its predecessor winds down. */
    boolean runnerStarted;
    /** The previous runner while it winds down (detached, stopped outside the manager's lock), or null. */
    InputRunner stopping;
    /** Why there is no runner (when runner is null). */
    InputState idleState = InputState.STOPPED;
    /** The error behind INVALID_CONFIG, or the refused newer configuration while the old one runs. */
    String configError;
    /** Stopped by a user: stays stopped until started again. */
    boolean userStopped;
    /** The runner's last status, kept so its last error and times survive a stop. */
    InputStatus lastStatus;
    /** The fetch counters of the runners that ended: the input's counters survive restarts and updates. */
    final FetchTotals totals = new FetchTotals();

    InputSlot(String pid, String plugin, String name) {
        this.pid = pid;
        this.plugin = plugin;
        this.name = name;
    }

    boolean running() {
        return runner != null;
    }

    /** What status shows: the current (or last) runner's state, with the counters of every runner of the input. */
    InputStatus status() {
        InputStatus ending = stopping == null ? null : stopping.status();
        if (runner != null) {
            InputStatus live = runner.status();
            InputStatus shown = configError == null ? live : live.with(live.state(), configError);
            return ending == null ? totals.over(shown, live) : totals.over(shown, live, ending);
        }
        if (ending != null && idleState == InputState.STOPPED) {
            return totals.over(withDetail(ending, "stopping" + (ending.detail() == null || ending.detail().isEmpty()
                    ? "" : " (" + ending.detail() + ")")), ending);
        }
        if (lastStatus != null && idleState == InputState.STOPPED) {
            return totals.over(lastStatus.with(InputState.STOPPED, null));
        }
        InputStatus idle = InputStatus.idle(name, plugin, idleState, configError);
        idle = idleState == InputState.INVALID_CONFIG ? idle.with(idleState, configError) : idle;
        return ending == null ? totals.over(idle) : totals.over(idle, ending);
    }

    private static InputStatus withDetail(InputStatus s, String detail) {
        return s.withDetail(detail);
    }
}
