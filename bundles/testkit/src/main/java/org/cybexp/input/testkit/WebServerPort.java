package org.cybexp.input.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A free loopback port for the daemon's web server (Felix HTTP: upload, web console, {@code /metrics}), which
 * the distribution binds to 127.0.0.1:8181: two test runs at once, or a user's daemon, would collide there.
 * {@link Distribution} gives every copy its own port; a test that boots the bundles in a framework of its own
 * (Pax Exam) sets {@link #HOST_PROPERTY} and {@link #PORT_PROPERTY} as framework properties.
 *
 * @since 1.3
 */
public final class WebServerPort {

    /** The web server's address property (framework property and {@code etc/org.apache.felix.http.cfg}). */
    public static final String HOST_PROPERTY = "org.apache.felix.http.host";
    /** The web server's port property (framework property and {@code etc/org.apache.felix.http.cfg}). */
    public static final String PORT_PROPERTY = "org.osgi.service.http.port";
    /** The web server's configuration file in {@code etc/}. */
    public static final String CFG_FILE = "org.apache.felix.http.cfg";

    private WebServerPort() {
    }

    /** A loopback port free now (bound to port 0 and released). */
    public static int free() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /**
     * Moves the web server of a distribution home to a free loopback port: writes {@code etc/org.apache.felix.http.cfg}
     * and the framework's boot-time default in {@code etc/config.properties} (used until the cfg is read).
     *
     * @return the port
     */
    public static int useFree(Path home) throws IOException {
        int port = free();
        Path etc = home.resolve("etc");
        writeAtomically(etc.resolve(CFG_FILE), HOST_PROPERTY + " = 127.0.0.1\n" + PORT_PROPERTY + " = " + port + "\n");
        Path framework = etc.resolve("config.properties");
        if (Files.isRegularFile(framework)) {
            String text = Files.readString(framework);
            writeAtomically(framework, text.replaceAll("(?m)^\\s*" + PORT_PROPERTY.replace(".", "\\.") + "\\s*[=:].*$",
                    PORT_PROPERTY + "=" + port));
        }
        return port;
    }

    private static void writeAtomically(Path target, String content) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        Files.writeString(tmp, content);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
