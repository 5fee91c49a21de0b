package org.cybexp.input.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A kind of source, registered as an OSGi service by a plugin bundle (e.g. with
 * {@code @Component(service = SourcePlugin.class)}).
 *
 * <p>The container tracks these services (whiteboard pattern). Each input configuration whose factory PID is
 * {@code cybexp.source.<name()>} becomes one running input of this plugin. The plugin itself is stateless: all
 * per-input state lives in the {@link SourceInput} it opens and in the {@link FetchContext}'s stores.
 *
 * @since 1.0
 */
@ConsumerType
public interface SourcePlugin {

    /** Prefix of the factory PID of this plugin's inputs: {@code cybexp.source.<name>}. */
    String PID_PREFIX = "cybexp.source.";

    /**
     * The plugin's name as used in PIDs, in {@code -p} of the CLI and in status, e.g. {@code openphish}.
     * Lower case letters, digits and {@code _} only (no {@code -}: FileInstall splits file names at it).
     */
    String name();

    /**
     * Checks an input's plugin-specific keys and prepares the input. The common keys (name, orgid, typetag,
     * timezone, period, enabled) are already validated by the container.
     *
     * @param config the input's configuration
     * <p>Must not bind ports nor open connections: the input this one replaces may still hold them until it is
     * closed. Do that in {@link SourceInput#fetch(FetchContext)}.
     *
     * @return the input, not yet running; the container calls it from its own threads
     * @throws InvalidConfigException if a key is missing or invalid; the message names the key and is shown to
     *         the user, so it must not contain secrets
     */
    SourceInput open(InputConfig config) throws InvalidConfigException;

    /**
     * The default {@code typetag} for inputs of this plugin when their configuration gives none, e.g.
     * {@code openphish-file-feed}; empty when the user must always give one.
     */
    default String defaultTypetag() {
        return "";
    }

    /** The default number of seconds between two fetches of a polling input. */
    default long defaultPeriodSeconds() {
        return 3600;
    }
}
