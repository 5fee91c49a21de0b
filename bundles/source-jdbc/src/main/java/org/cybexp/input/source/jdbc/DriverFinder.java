package org.cybexp.input.source.jdbc;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import org.cybexp.input.api.SourceException;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.jdbc.DataSourceFactory;

/**
 * Finds the JDBC driver that accepts a URL, in this order: the drivers of the {@link DataSourceFactory}
 * services (the OSGi way: PostgreSQL, H2, most drivers with an OSGi manifest), then the drivers that bundles
 * declare in {@code META-INF/services/java.sql.Driver} (SQLite, and plain jars wrapped as bundles).
 * {@link DriverManager} does not work across bundles, so it is only asked outside a framework (unit tests).
 */
final class DriverFinder {

    private static final String SERVICES = "META-INF/services/java.sql.Driver";
    private final List<DataSourceFactory> factories;
    private final BundleContext context;

    DriverFinder(List<DataSourceFactory> factories, BundleContext context) {
        this.factories = factories;
        this.context = context;
    }

    /** @throws SourceException naming the URL (masked) when no installed driver takes it */
    Driver driverFor(String url, String shownUrl) throws SourceException {
        for (DataSourceFactory factory : List.copyOf(factories)) {
            try {
                Driver driver = factory.createDriver(null);
                if (driver != null && driver.acceptsURL(url)) {
                    return driver;
                }
            } catch (SQLException | RuntimeException e) {
                // a factory that cannot make a driver is not the one for this URL
            }
        }
        if (context == null) {
            try {
                return DriverManager.getDriver(url);
            } catch (SQLException e) {
                throw noDriver(shownUrl);
            }
        }
        for (Bundle bundle : context.getBundles()) {
            Driver driver = declaredDriver(bundle, url);
            if (driver != null) {
                return driver;
            }
        }
        throw noDriver(shownUrl);
    }

    private static SourceException noDriver(String shownUrl) {
        return new SourceException("no JDBC driver installed takes " + shownUrl + ": put the driver's bundle in "
                + "deploy/ (PostgreSQL and SQLite are shipped; see docs/sources.md#jdbc)");
    }

    private static Driver declaredDriver(Bundle bundle, String url) {
        URL services = bundle.getEntry(SERVICES);
        if (services == null || bundle.getState() == Bundle.UNINSTALLED) {
            return null;
        }
        for (String className : classNames(services)) {
            try {
                Object candidate = bundle.loadClass(className).getConstructor().newInstance();
                if (candidate instanceof Driver driver && driver.acceptsURL(url)) {
                    return driver;
                }
            } catch (ReflectiveOperationException | SQLException | RuntimeException | LinkageError e) {
                // a driver that cannot be loaded or refuses the URL is not the one
            }
        }
        return null;
    }

    private static List<String> classNames(URL services) {
        List<String> names = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(services.openStream(),
                StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String name = line.replaceAll("#.*", "").strip();
                if (!name.isEmpty()) {
                    names.add(name);
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        return names;
    }
}
