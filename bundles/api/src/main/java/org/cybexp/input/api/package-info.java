/**
 * The SPI of cybexp-input, for authors of source plugins.
 *
 * <p>A source plugin is a bundle that registers a {@link org.cybexp.input.api.SourcePlugin} service. For every
 * input configured for it (a file {@code etc/cybexp.source.<plugin>-<name>.cfg}) the container calls
 * {@link org.cybexp.input.api.SourcePlugin#open(InputConfig)} and then runs the returned
 * {@link org.cybexp.input.api.SourceInput} with a {@link org.cybexp.input.api.FetchContext}. The container does
 * everything else: scheduling, rate limits, backoff, dedup storage, the durable outbox and posting to CYBEX-P.
 * A plugin never sleeps, never retries and never posts by itself.
 *
 * <p>1.2 adds what listeners need: a thread-safe {@code emit} by contract,
 * {@link org.cybexp.input.api.FetchContext#emitDurably(Event)} (the answer to a sender follows the disk),
 * {@link org.cybexp.input.api.FetchContext#accepting()} (back-pressure without blocking),
 * {@link org.cybexp.input.api.FetchContext#network()} (client and server TLS contexts from the input's keys),
 * and events that carry their own {@code orgid}, {@code typetag}, {@code timezone} and {@code name}.
 *
 * <p>1.3 adds {@link org.cybexp.input.api.FetchContext#statusDetail(String, Object)}: structured status
 * (per-file offsets, drop counts) beside the one-line {@code progress}.
 *
 * <p>1.4 adds file-backed event bodies, {@link org.cybexp.input.api.Event#ofFile}: the container moves the file
 * into its outbox and posts it as a stream, so a body need not fit in memory.
 */
@Export
@Version("1.4.0")
package org.cybexp.input.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
