package org.cybexp.input.console;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import org.cybexp.input.api.Secret;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Serves the registry in the Prometheus text format. Without a token only loopback clients may scrape (the web
 * server is on 127.0.0.1 by default; one opened to the network serves /metrics only with a token); with one,
 * every scrape must carry {@code Authorization: Bearer <token>}.
 */
final class MetricsServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private final transient PrometheusRegistry registry;
    private final transient PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private transient volatile Secret token = Secret.of("");
    private transient volatile String refusal;

    MetricsServlet(PrometheusRegistry registry) {
        this.registry = registry;
    }

    void token(Secret newToken) {
        token = newToken;
        refusal = null;
    }

    void refuseAll(String why) {
        refusal = why;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String denied = denied(request);
        if (denied != null) {
            if (!token.isEmpty()) {
                response.setHeader("WWW-Authenticate", "Bearer");
            }
            response.sendError(token.isEmpty() && refusal == null ? HttpServletResponse.SC_FORBIDDEN
                    : HttpServletResponse.SC_UNAUTHORIZED, denied);
            return;
        }
        response.setContentType(writer.getContentType());
        response.setHeader("Cache-Control", "no-store");
        try (OutputStream out = response.getOutputStream()) {
            writer.write(out, registry.scrape());
        }
    }

    /** Why this scrape is refused, or null. */
    String denied(HttpServletRequest request) {
        if (refusal != null) {
            return "the metrics token does not resolve; see the daemon's log";
        }
        Secret expected = token;
        if (expected.isEmpty()) {
            return loopback(request.getRemoteAddr()) ? null
                    : "metrics are served to loopback clients only; set token in etc/cybexp.metrics.cfg";
        }
        String header = request.getHeader("Authorization");
        String given = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim()
                : "";
        boolean same = MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                expected.reveal().getBytes(StandardCharsets.UTF_8));
        return same ? null : "a bearer token is required";
    }

    static boolean loopback(String address) {
        try {
            return address != null && InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
