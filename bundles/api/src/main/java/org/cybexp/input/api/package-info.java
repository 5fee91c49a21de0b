/**
 * The SPI of cybexp-input, for authors of source plugins.
 *
 * <p>A source plugin is a bundle that registers a {@link org.cybexp.input.api.SourcePlugin} service. For every
 * input configured for it (a file {@code etc/cybexp.source.<plugin>-<name>.cfg}) the container calls
 * {@link org.cybexp.input.api.SourcePlugin#open(InputConfig)} and then runs the returned
 * {@link org.cybexp.input.api.SourceInput} with a {@link org.cybexp.input.api.FetchContext}. The container does
 * everything else: scheduling, rate limits, backoff, dedup storage, the durable outbox and posting to CYBEX-P.
 * A plugin never sleeps, never retries and never posts by itself.
 */
@Export
@Version("1.2.0")
package org.cybexp.input.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
