/**
 * How the manager drives inputs: the core's {@link org.cybexp.input.core.control.InputRunnerFactory} service
 * turns a plugin's opened input into a running {@link org.cybexp.input.core.control.InputRunner}. 1.3 adds
 * {@link org.cybexp.input.core.control.DeliveryFates}, what became of delivered events (for receipts);
 * 1.4 adds {@link org.cybexp.input.core.control.DeliveryFates#keep}: fates are kept only for inputs that ask.
 */
@Export
@Version("1.4.0")
package org.cybexp.input.core.control;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
