package org.cybexp.input.manager;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.cybexp.input.core.control.InputStatus;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Tracks the source plugins (whiteboard) and the input configurations (ConfigAdmin factory configurations
 * {@code cybexp.source.<plugin>}), and runs one input per configuration whose plugin is present.
 *
 * <p>A selection is a set of plugin names and a set of input names; an input is selected when its plugin or
 * its name is listed. Both empty selects every input.
 */
@ProviderType
public interface PluginManager {

    /** How long a graceful stop waits for an input's running fetch before it stops the input at once. */
    Duration GRACEFUL_STOP = Duration.ofSeconds(30);

    /** Every known input (running or not), sorted by name. */
    List<InputStatus> status();

    /** Names of the plugins whose bundles are active, sorted. */
    List<String> plugins();

    /**
     * Starts the selected inputs that are stopped.
     *
     * @return the names of the selected inputs
     * @throws UnknownSelectionException if a plugin or name is not known; nothing is started then
     */
    List<String> start(Collection<String> plugins, Collection<String> names) throws UnknownSelectionException;

    /** Stops the selected inputs gracefully (they stay stopped until started). */
    List<String> stop(Collection<String> plugins, Collection<String> names) throws UnknownSelectionException;

    /** Stops and starts the selected inputs, re-reading their configuration. */
    List<String> restart(Collection<String> plugins, Collection<String> names) throws UnknownSelectionException;

    /**
     * Fetches the named inputs now, or as soon as their rate limit allows.
     *
     * @return per name, when its fetch starts (now if one runs already), or null if the input does not run
     * @throws UnknownSelectionException if a name is not known; nothing is fetched then
     */
    Map<String, Instant> fetch(Collection<String> names) throws UnknownSelectionException;

    /** Re-reads every input configuration and applies what changed (SIGHUP). */
    void reload();

    /**
     * Stops every input, gracefully or at once; the caller then stops the framework. An immediate stop also
     * cuts short the graceful stops other threads are waiting for, and makes every later stop immediate.
     */
    void stopAll(boolean immediate);
}
