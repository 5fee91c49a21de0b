/**
 * TLS trust material from PEM files, shared by the core's HTTP client, the inputs' network settings and the
 * delivery bundle's API client, so that a CA file means the same everywhere.
 */
@Export
@Version("1.0.0")
package org.cybexp.input.core.tls;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
