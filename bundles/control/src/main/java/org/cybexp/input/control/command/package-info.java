/** The CLI's commands as a service, for the daemon's own web console. */
@Export
@Version("1.0.0")
package org.cybexp.input.control.command;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
