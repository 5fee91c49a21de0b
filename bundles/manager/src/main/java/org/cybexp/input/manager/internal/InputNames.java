package org.cybexp.input.manager.internal;

import java.util.Map;

import org.cybexp.input.api.SourcePlugin;

/** Derives an input's plugin and default name from its configuration PID and FileInstall file name. */
final class InputNames {

    static final String FILEINSTALL_FILENAME = "felix.fileinstall.filename";

    private InputNames() {
    }

    /** {@code cybexp.source.openphish} gives {@code openphish}; other factory PIDs give null. */
    static String pluginOf(String factoryPid) {
        if (factoryPid == null || !factoryPid.startsWith(SourcePlugin.PID_PREFIX)) {
            return null;
        }
        String plugin = factoryPid.substring(SourcePlugin.PID_PREFIX.length());
        return plugin.isEmpty() ? null : plugin;
    }

    /**
     * The instance name: the part after the first {@code -} of the file name for a file
     * ({@code cybexp.source.phishtank-main.cfg} gives {@code main}), the name of a named factory configuration
     * ({@code factoryPid~name}), else the PID itself.
     */
    static String defaultName(String pid, Map<String, ?> properties) {
        Object file = properties.get(FILEINSTALL_FILENAME);
        if (file != null) {
            String path = file.toString();
            String base = path.substring(path.lastIndexOf('/') + 1);
            int dash = base.indexOf('-');
            int dot = base.lastIndexOf('.');
            if (dash >= 0 && dot > dash + 1) {
                return base.substring(dash + 1, dot);
            }
        }
        int tilde = pid.indexOf('~');
        return tilde >= 0 ? pid.substring(tilde + 1) : pid;
    }

    /** The file an input came from, for messages; the PID when it has no file. */
    static String origin(String pid, Map<String, ?> properties) {
        Object file = properties.get(FILEINSTALL_FILENAME);
        if (file == null) {
            return pid;
        }
        String path = file.toString();
        return "etc/" + path.substring(path.lastIndexOf('/') + 1);
    }
}
