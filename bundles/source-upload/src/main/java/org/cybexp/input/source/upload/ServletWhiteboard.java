package org.cybexp.input.source.upload;

import java.util.Hashtable;
import java.util.Optional;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.servlet.runtime.HttpServiceRuntime;
import org.osgi.service.servlet.runtime.dto.RuntimeDTO;
import org.osgi.service.servlet.runtime.dto.ServletContextDTO;
import org.osgi.service.servlet.runtime.dto.ServletDTO;
import org.osgi.service.servlet.whiteboard.HttpWhiteboardConstants;

import jakarta.servlet.Servlet;

/**
 * Publishes a servlet on the daemon's web server (Felix HTTP) through the OSGi servlet whiteboard, in the
 * default context, at {@code path} and everything under it, and tells whether the web server really serves it.
 */
class ServletWhiteboard {

    /** Where a published servlet stands, from the web server's runtime (its DTOs). */
    enum Served {
        /** the web server answers with this servlet */
        SERVED,
        /** no web server runs: no etc/org.apache.felix.http.cfg, or its address could not be bound */
        NO_WEB_SERVER,
        /** a web server runs but does not list the servlet */
        NOT_LISTED
    }

    /** A servlet on the whiteboard. */
    interface Publication {
        Served served();

        /** The web server's address (e.g. {@code http://127.0.0.1:8181/}), when one runs. */
        Optional<String> endpoint();

        void unpublish();
    }

    private final BundleContext context;

    ServletWhiteboard(BundleContext context) {
        this.context = context;
    }

    Publication publish(String name, String path, Servlet servlet) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_PATTERN, new String[] {path, path + "/*"});
        props.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_NAME, name);
        ServiceRegistration<Servlet> registration = context.registerService(Servlet.class, servlet, props);
        long id = (Long) registration.getReference().getProperty("service.id");
        return new Publication() {
            @Override
            public Served served() {
                Optional<ServiceReference<HttpServiceRuntime>> runtime = runtime();
                if (runtime.isEmpty()) {
                    return Served.NO_WEB_SERVER;
                }
                HttpServiceRuntime service = context.getService(runtime.get());
                try {
                    return service != null && lists(service.getRuntimeDTO(), id) ? Served.SERVED
                            : Served.NOT_LISTED;
                } finally {
                    context.ungetService(runtime.get());
                }
            }

            @Override
            public Optional<String> endpoint() {
                return runtime().map(ref -> ref.getProperty("osgi.http.endpoint")).map(ServletWhiteboard::first);
            }

            @Override
            public void unpublish() {
                try {
                    registration.unregister();
                } catch (IllegalStateException e) {
                    // gone with the bundle already
                }
            }
        };
    }

    private Optional<ServiceReference<HttpServiceRuntime>> runtime() {
        return Optional.ofNullable(context.getServiceReference(HttpServiceRuntime.class));
    }

    private static boolean lists(RuntimeDTO runtime, long serviceId) {
        for (ServletContextDTO servletContext : runtime.servletContextDTOs) {
            for (ServletDTO servlet : servletContext.servletDTOs) {
                if (servlet.serviceId == serviceId) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String first(Object endpoint) {
        if (endpoint instanceof String[] all) {
            return all.length == 0 ? null : all[0];
        }
        return endpoint == null ? null : endpoint.toString();
    }
}
