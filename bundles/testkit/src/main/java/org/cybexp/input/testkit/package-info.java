/**
 * A test kit for authors of source plugins: run a plugin's {@link org.cybexp.input.api.SourceInput} in plain
 * JUnit tests, without an OSGi framework, through the container's own fetch context, dedup and state stores,
 * configuration validator and HTTP access (from {@code org.cybexp.input.core}, on the test classpath).
 *
 * <ul>
 * <li>{@link org.cybexp.input.testkit.InMemoryInputStore}: what the container keeps for one input (stored
 * events, dedup keys, committed state, counters), built from a configuration map like a {@code .cfg} file; it
 * runs fetch calls with the container's commit rules and survives "restarts" of the input.</li>
 * <li>{@link org.cybexp.input.testkit.InMemoryFetchContext}: the {@link org.cybexp.input.api.FetchContext} of
 * one call, with graceful and immediate stops a test can trigger and what the plugin reported (malformed
 * records, progress).</li>
 * <li>{@link org.cybexp.input.testkit.RunningFetch}: a call running on its own thread, for streaming inputs and
 * stop tests.</li>
 * <li>{@link org.cybexp.input.testkit.LoopbackHttpAccess}: the container's HTTP access (conditional GET with
 * ETag / Last-Modified, {@code file:} URLs), refusing anything but loopback.</li>
 * <li>{@link org.cybexp.input.testkit.LoopbackFeedServer}: a versioned HTTP feed on 127.0.0.1 that answers 304,
 * errors with Retry-After, bodies cut short or hanging.</li>
 * <li>{@link org.cybexp.input.testkit.InputConfigs} and {@link org.cybexp.input.testkit.TestClock}: a
 * configuration checked by the container's validator, and a clock the test moves.</li>
 * </ul>
 */
@Export
@Version("1.3.0")
package org.cybexp.input.testkit;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
