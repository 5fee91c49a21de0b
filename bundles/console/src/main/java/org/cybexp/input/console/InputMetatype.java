package org.cybexp.input.console;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.osgi.framework.Bundle;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;

/**
 * The keys of an input's form: the core's common keys ({@code cybexp.source.common}) followed by its plugin's
 * own ({@code cybexp.source.<plugin>}), read from the metatype service, so the form and the validator share one
 * source of names, types and defaults.
 */
final class InputMetatype {

    static final String COMMON_PID = "cybexp.source.common";

    private InputMetatype() {
    }

    /**
     * @param core the bundle that declares the common keys, or null
     * @param plugin the plugin's bundle, or null (then only the common keys)
     */
    static List<FormField> fields(MetaTypeService metatype, Bundle core, Bundle plugin, String pluginName) {
        Map<String, FormField> fields = new LinkedHashMap<>();
        add(fields, ocd(metatype, core, COMMON_PID, false));
        add(fields, ocd(metatype, plugin, "cybexp.source." + pluginName, true));
        return new ArrayList<>(fields.values());
    }

    private static ObjectClassDefinition ocd(MetaTypeService metatype, Bundle bundle, String pid, boolean factory) {
        if (metatype == null || bundle == null) {
            return null;
        }
        MetaTypeInformation info = metatype.getMetaTypeInformation(bundle);
        if (info == null) {
            return null;
        }
        List<String> pids = List.of(factory ? info.getFactoryPids() : info.getPids());
        if (!pids.contains(pid)) {
            return null;
        }
        return info.getObjectClassDefinition(pid, null);
    }

    private static void add(Map<String, FormField> fields, ObjectClassDefinition ocd) {
        if (ocd == null) {
            return;
        }
        var ads = ocd.getAttributeDefinitions(ObjectClassDefinition.ALL);
        if (ads != null) {
            for (var ad : ads) {
                fields.putIfAbsent(ad.getID(), FormField.of(ad));
            }
        }
    }
}
