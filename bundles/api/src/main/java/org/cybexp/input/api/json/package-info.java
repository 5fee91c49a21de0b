/**
 * Splitting JSON documents into records without a JSON library: {@link org.cybexp.input.api.json.JsonRecords}
 * turns the array at one JSON pointer into one event per element, keyed by another pointer, streaming, with
 * malformed elements counted. The api bundle stays free of dependencies: a plugin that needs more than this
 * imports Jackson, which the container provides.
 */
@Export
@Version("1.0.0")
package org.cybexp.input.api.json;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
