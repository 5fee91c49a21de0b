package org.cybexp.input.manager.internal;

import java.lang.reflect.Proxy;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.Map;

import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;

/**
 * The part of ConfigAdmin the manager uses ({@code listConfigurations} by factory PID or PID), holding factory
 * configurations in memory and telling a listener of changes, as Felix ConfigAdmin does.
 */
final class InMemoryConfigAdmin {

    private final Map<String, Map<String, Object>> properties = new LinkedHashMap<>();
    private final Map<String, String> factoryPids = new LinkedHashMap<>();
    private ConfigurationListener listener;

    /** Events name the ConfigAdmin service that sent them; the manager does not look at it. */
    @SuppressWarnings("unchecked")
    private static final ServiceReference<ConfigurationAdmin> ADMIN_REFERENCE =
            (ServiceReference<ConfigurationAdmin>) Proxy.newProxyInstance(InMemoryConfigAdmin.class.getClassLoader(),
                    new Class<?>[] {ServiceReference.class}, (proxy, method, args) -> null);

    final ConfigurationAdmin admin = (ConfigurationAdmin) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {ConfigurationAdmin.class}, (proxy, method, args) -> {
                if (!method.getName().equals("listConfigurations")) {
                    throw new UnsupportedOperationException(method.getName());
                }
                return list((String) args[0]);
            });

    void listener(ConfigurationListener l) {
        this.listener = l;
    }

    /** Creates or updates {@code cybexp.source.<plugin>~<name>} like a .cfg file would. */
    String put(String plugin, String name, Map<String, Object> values) {
        String factoryPid = "cybexp.source." + plugin;
        String pid = factoryPid + "~" + name;
        Map<String, Object> copy = new LinkedHashMap<>(values);
        copy.put("service.pid", pid);
        copy.put("service.factoryPid", factoryPid);
        properties.put(pid, copy);
        factoryPids.put(pid, factoryPid);
        fire(ConfigurationEvent.CM_UPDATED, pid);
        return pid;
    }

    void delete(String pid) {
        properties.remove(pid);
        fire(ConfigurationEvent.CM_DELETED, pid);
        factoryPids.remove(pid);
    }

    private void fire(int type, String pid) {
        if (listener != null) {
            listener.configurationEvent(new ConfigurationEvent(ADMIN_REFERENCE, type, factoryPids.get(pid), pid));
        }
    }

    private Configuration[] list(String filter) {
        return properties.keySet().stream()
                .filter(pid -> filter.startsWith("(service.factoryPid=") || filter.equals("(service.pid=" + pid + ")"))
                .map(this::configuration).toArray(Configuration[]::new);
    }

    private Configuration configuration(String pid) {
        return (Configuration) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {Configuration.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getPid" -> pid;
                    case "getFactoryPid" -> factoryPids.get(pid);
                    case "getProperties" -> dictionary(properties.get(pid));
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private static Dictionary<String, Object> dictionary(Map<String, Object> map) {
        return map == null ? null : new Hashtable<>(map);
    }
}
