package org.cybexp.input.source.upload;

import java.util.Hashtable;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.servlet.whiteboard.HttpWhiteboardConstants;

import jakarta.servlet.Servlet;

/**
 * Publishes a servlet on the daemon's web server (Felix HTTP) through the OSGi servlet whiteboard, in the
 * default context, at {@code path} and everything under it.
 */
class ServletWhiteboard {

    private final BundleContext context;

    ServletWhiteboard(BundleContext context) {
        this.context = context;
    }

    /** @return what to call to take the servlet down again */
    Runnable publish(String name, String path, Servlet servlet) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_PATTERN, new String[] {path, path + "/*"});
        props.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_NAME, name);
        ServiceRegistration<Servlet> registration = context.registerService(Servlet.class, servlet, props);
        return () -> {
            try {
                registration.unregister();
            } catch (IllegalStateException e) {
                // gone with the bundle already
            }
        };
    }
}
