/**
 * Files every bundle of the container writes the same way: where the data folder is ({@link DataFolder}) and
 * crash-safe writes ({@link DurableFiles}). Exported for the delivery and control bundles; not for plugins.
 */
@Export
@Version("1.0.0")
package org.cybexp.input.core.files;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
