/**
 * {@code ${env:NAME}} and {@code ${file:/path}} references in configuration values: the one resolver, with one
 * set of messages, used by the core for inputs and by the delivery bundle for {@code cybexp.api}.
 */
@Export
@Version("1.0.0")
package org.cybexp.input.core.reference;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
