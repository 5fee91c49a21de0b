package org.cybexp.input.core.config;

import java.net.URL;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;

import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;

/**
 * The XML files of a folder of the bundle a class comes from, when it comes from one. Apart from
 * {@link BundleMetatypes} so that only this class needs the OSGi framework API: a plugin's unit tests run the
 * validator (through the test kit) on a class path without it.
 */
final class FrameworkEntries {

    private FrameworkEntries() {
    }

    /** The entries, or empty when the class is not loaded by a bundle. */
    static Optional<List<URL>> of(Class<?> type, String folder) {
        Bundle bundle = FrameworkUtil.getBundle(type);
        if (bundle == null) {
            return Optional.empty();
        }
        Enumeration<URL> entries = bundle.findEntries(folder, "*.xml", false);
        return Optional.of(entries == null ? List.of() : Collections.list(entries));
    }
}
