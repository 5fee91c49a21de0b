/**
 * The {@link org.cybexp.input.manager.PluginManager} service: the inputs of the container, their plugins, and
 * the operations the CLI, the Gogo shell and the signals act through.
 */
@Export
@Version("1.1.0")
package org.cybexp.input.manager;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
